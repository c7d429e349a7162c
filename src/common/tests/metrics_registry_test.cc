#include "common/metrics/registry.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace caudal::metrics {
namespace {

TEST(MetricsRegistryTest, RendersCountersGaugesAndHistograms) {
  Registry registry;
  auto& bytes = registry.counter("caudal_topic_bytes_in_total", "Bytes appended", {"topic"});
  bytes.with({"ENTRY"}).inc(1000);
  bytes.with({"OK"}).inc(5);
  registry.gauge("caudal_up", "Always 1 while the process runs").get().set(1);
  auto& latency = registry.histogram("caudal_request_seconds", "Request latency", {"route"},
                                     {0.001, 0.01, 0.1});
  latency.with({"/v1"}).observe(0.0005);
  latency.with({"/v1"}).observe(0.05);
  latency.with({"/v1"}).observe(3);

  const std::string expected =
      "# HELP caudal_request_seconds Request latency\n"
      "# TYPE caudal_request_seconds histogram\n"
      "caudal_request_seconds_bucket{route=\"/v1\",le=\"0.001\"} 1\n"
      "caudal_request_seconds_bucket{route=\"/v1\",le=\"0.01\"} 1\n"
      "caudal_request_seconds_bucket{route=\"/v1\",le=\"0.1\"} 2\n"
      "caudal_request_seconds_bucket{route=\"/v1\",le=\"+Inf\"} 3\n"
      "caudal_request_seconds_sum{route=\"/v1\"} 3.0505\n"
      "caudal_request_seconds_count{route=\"/v1\"} 3\n"
      "# HELP caudal_topic_bytes_in_total Bytes appended\n"
      "# TYPE caudal_topic_bytes_in_total counter\n"
      "caudal_topic_bytes_in_total{topic=\"ENTRY\"} 1000\n"
      "caudal_topic_bytes_in_total{topic=\"OK\"} 5\n"
      "# HELP caudal_up Always 1 while the process runs\n"
      "# TYPE caudal_up gauge\n"
      "caudal_up 1\n";
  EXPECT_EQ(registry.render(), expected);
}

TEST(MetricsRegistryTest, SameNameReturnsSameFamily) {
  Registry registry;
  auto& a = registry.counter("x_total", "x", {"k"});
  auto& b = registry.counter("x_total", "x", {"k"});
  EXPECT_EQ(&a, &b);
  a.with({"v"}).inc();
  EXPECT_EQ(b.with({"v"}).value(), 1u);
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Registry registry;
  registry.counter("weird_total", "line one\nline two \\ end", {"path"})
      .with({"C:\\dir \"q\"\n"})
      .inc();
  std::string text = registry.render();
  EXPECT_NE(text.find("# HELP weird_total line one\\nline two \\\\ end\n"), std::string::npos);
  EXPECT_NE(text.find("weird_total{path=\"C:\\\\dir \\\"q\\\"\\n\"} 1\n"), std::string::npos);
}

TEST(MetricsRegistryTest, CallbacksAreSampledAtScrape) {
  Registry registry;
  double value = 1;
  uint64_t id = registry.add_callback("caudal_log_size_bytes", "Log size", Kind::kGauge,
                                      {"topic"}, [&] { return std::vector<Sample>{{{"a"}, value}}; });
  EXPECT_NE(registry.render().find("caudal_log_size_bytes{topic=\"a\"} 1\n"), std::string::npos);
  value = 2.5;
  EXPECT_NE(registry.render().find("caudal_log_size_bytes{topic=\"a\"} 2.5\n"), std::string::npos);
  registry.remove_callback(id);
  EXPECT_EQ(registry.render().find("caudal_log_size_bytes"), std::string::npos);
}

TEST(MetricsRegistryTest, SampleValueFormatting) {
  EXPECT_EQ(format_sample_value(0), "0");
  EXPECT_EQ(format_sample_value(-3), "-3");
  EXPECT_EQ(format_sample_value(0.25), "0.25");
  EXPECT_EQ(format_sample_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_sample_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_sample_value(0.0 / 0.0), "NaN");
}

TEST(MetricsRegistryDeathTest, InvalidNamesAreBugs) {
  Registry registry;
  EXPECT_DEATH(registry.counter("bad-name", "x"), "invalid metric name");
  EXPECT_DEATH(registry.counter("ok_total", "x", {"__reserved"}), "invalid label name");
  registry.counter("shape_total", "x", {"a"});
  EXPECT_DEATH(registry.gauge("shape_total", "x", {"a"}), "different shapes");
}

// The exposition must pass Prometheus's own linter, the same check a scrape config review does.
TEST(MetricsRegistryTest, PromtoolAcceptsTheExposition) {
  Registry registry;
  registry.counter("caudal_messages_in_total", "Messages appended per topic", {"topic"})
      .with({"ENTRY"})
      .inc(42);
  registry.gauge("caudal_consumer_lag_messages", "Consumer lag", {"group", "topic"})
      .with({"g\"1", "ENTRY"})
      .set(-0.5);
  registry
      .histogram("caudal_request_duration_seconds", "Request latency", {"route"},
                 Histogram::latency_seconds_bounds())
      .with({"/v1/topics/{topic}"})
      .observe(0.003);
  registry.add_callback("caudal_process_open_fds", "Open file descriptors", Kind::kGauge, {},
                        [] { return std::vector<Sample>{{{}, 12}}; });

  char path[] = "/tmp/caudal_metrics_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << registry.render();
  }
  std::string command = std::string("promtool check metrics < ") + path + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
  int rc = pclose(pipe);
  std::remove(path);
  ASSERT_NE(WEXITSTATUS(rc), 127) << "promtool not installed: run scripts/bootstrap";
  EXPECT_EQ(rc, 0) << output;

  // And a deliberately bad exposition must be refused, so the check above means something.
  registry.counter("caudal_bad_counter", "no _total suffix").get().inc();
  fd = mkstemp(path);
  close(fd);
  {
    std::ofstream out(path);
    out << registry.render();
  }
  command = std::string("promtool check metrics < ") + path + " 2>&1";
  pipe = popen(command.c_str(), "r");
  output.clear();
  while (fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
  rc = pclose(pipe);
  std::remove(path);
  EXPECT_NE(rc, 0);
  EXPECT_NE(output.find("caudal_bad_counter"), std::string::npos) << output;
}

}  // namespace
}  // namespace caudal::metrics
