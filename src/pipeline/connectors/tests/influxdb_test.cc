// The InfluxDB connector against a real InfluxDB 1.6 (Debian's influxd, started on free ports
// with a temp config): points written in batches and queried back with /query, escaping,
// the server down at start, a bad point dead-lettered.
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/connectors/registry.h"
#include "pipeline/connectors/tests/test_servers.h"

namespace caudal::pipeline::connectors::testing {
namespace {

using namespace std::chrono_literals;

class InfluxdbTest : public ConnectorTest {
 protected:
  void SetUp() override {
    http_port_ = free_port();
    rpc_port_ = free_port();
    write_file(dir_.path() / "influxdb.conf",
               fmt::format("reporting-disabled = true\nbind-address = \"127.0.0.1:{}\"\n"
                           "[meta]\n  dir = \"{}/meta\"\n"
                           "[data]\n  dir = \"{}/data\"\n  wal-dir = \"{}/wal\"\n  query-log-enabled = false\n"
                           "[http]\n  bind-address = \"127.0.0.1:{}\"\n  log-enabled = false\n"
                           "[monitor]\n  store-enabled = false\n",
                           rpc_port_, dir_.path().string(), dir_.path().string(), dir_.path().string(), http_port_));
  }

  std::string base() const { return fmt::format("http://127.0.0.1:{}", http_port_); }

  void start_influxd() {
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"influxd", "-config", (dir_.path() / "influxdb.conf").string()}, true);
    ASSERT_TRUE(eventually([&] { return http_request("GET", base() + "/ping").status == 204; }, 20s))
        << "influxd did not start";
    ASSERT_EQ(http_request("POST", base() + "/query?q=CREATE%20DATABASE%20sensors").status, 200);
  }

  std::unique_ptr<Sink> open(const std::string& extra = "") {
    return open_to(fmt::format(
        "      - influxdb:\n"
        "          url: \"{}\"\n"
        "          database: sensors\n"
        "          measurement: \"'temperature'\"\n"
        "          tags: {{ device: device, 'site name': site }}\n"
        "          fields: {{ value: value, state: state, count: n }}\n"
        "          time: ts\n"
        "          batch_records: 100\n"
        "          linger: 50ms\n"
        "          retry_backoff: 50ms\n"
        "          retry_backoff_max: 200ms\n{}",
        base(), extra));
  }

  std::string query(const std::string& q) {
    std::string escaped;
    for (char c : q) escaped += c == ' ' ? std::string("%20") : c == '"' ? std::string("%22") : std::string(1, c);
    return http_request("GET", base() + "/query?db=sensors&q=" + escaped).body;
  }

  int http_port_ = 0;
  int rpc_port_ = 0;
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(InfluxdbTest, PointsAreWrittenAndQueriedBackWithEscapedTagsAndStrings) {
  start_influxd();
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"fridge 7","site":"a,b=c","value":4.5,"state":"say \"hi\"","n":3,"ts":1700000000000})",
                          R"({"device":"fridge-8","site":"x","value":-1,"state":"ok","n":1,"ts":1700000001000})"}),
              acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  EXPECT_TRUE(dead_letters_->records.empty()) << dead_letters_->records.front();
  const std::string answer = query("SELECT value, state, count, device, \"site name\" FROM temperature ORDER BY time");
  EXPECT_NE(answer.find(R"(["2023-11-14T22:13:20Z",4.5,"say \"hi\"",3,"fridge 7","a,b=c"])"), std::string::npos) << answer;
  EXPECT_NE(answer.find(R"(["2023-11-14T22:13:21Z",-1,"ok",1,"fridge-8","x"])"), std::string::npos) << answer;
}

TEST_F(InfluxdbTest, ServerDownAtStartPointsWaitThenArriveOnce) {
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  for (int n = 0; n < 3; ++n) {
    sink->write(json_batch({fmt::format(R"({{"device":"d","site":"s","value":{},"n":{},"ts":{}}})", n, n,
                                        1700000000000 + n * 1000)}),
                acks_.callback());
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 0u);
  start_influxd();
  ASSERT_TRUE(acks_.wait(3, 20s));
  const std::string answer = query("SELECT count(value) FROM temperature");
  EXPECT_NE(answer.find(R"(["1970-01-01T00:00:00Z",3])"), std::string::npos) << answer;
}

TEST_F(InfluxdbTest, AnEventWithoutFieldsOrWithAFieldTypeConflictIsDeadLettered) {
  start_influxd();
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"d","value":1.5,"ts":1700000000000})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  // No field at all, then a string where InfluxDB has a float.
  sink->write(json_batch({R"({"device":"d","ts":1700000001000})"}), acks_.callback());
  sink->write(json_batch({R"({"device":"d","value":"warm","ts":1700000002000})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(3, 10s));
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 2u);
  EXPECT_NE(dead_letters_->records[0].find(R"("reason":"no field has a value: InfluxDB needs at least one")"),
            std::string::npos) << dead_letters_->records[0];
  EXPECT_NE(dead_letters_->records[1].find("InfluxDB answered HTTP 400"), std::string::npos) << dead_letters_->records[1];
  EXPECT_NE(dead_letters_->records[1].find("field type conflict"), std::string::npos) << dead_letters_->records[1];
}

}  // namespace
}  // namespace caudal::pipeline::connectors::testing
