// The InfluxDB connector against a real InfluxDB 1.6 (Debian's influxd, started on free ports
// with a temp config): points written in batches and queried back with /query, escaping,
// the server down at start, a bad point dead-lettered. And its pipelined writes against a
// scripted server (webhook_server.py answering as InfluxDB would, late and with the statuses
// it is told): a write that fails while the next one is rendered loses and reorders nothing.
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/connectors/registry.h"
#include "pipeline/connectors/tests/test_servers.h"

namespace caudal::pipeline::connectors::testing {
namespace {

using namespace std::chrono_literals;

// An influxdb sink of database `sensors` at `url`, its time from `ts`, retried quickly; `rest`
// holds the other options, one line each.
std::string influxdb_yaml(const std::string& url, const std::string& measurement, const std::string& rest) {
  return fmt::format(
      "      - influxdb:\n"
      "          url: \"{}\"\n"
      "          database: sensors\n"
      "          measurement: \"{}\"\n"
      "          time: ts\n"
      "          retry_backoff: 20ms\n"
      "          retry_backoff_max: 100ms\n{}",
      url, measurement, rest);
}

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
    return open_to(influxdb_yaml(base(), "'temperature'",
                                 "          tags: { device: device, 'site name': site }\n"
                                 "          fields: { value: value, state: state, count: n }\n"
                                 "          batch_records: 100\n"
                                 "          linger: 50ms\n" + extra));
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

TEST_F(InfluxdbTest, PointsWaitForADatabaseCreatedAfterTheSinkStarted) {
  start_influxd();
  ASSERT_EQ(http_request("POST", base() + "/query?q=DROP%20DATABASE%20sensors").status, 200);
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"d","value":1.5,"ts":1700000000000})"}), acks_.callback());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 0u);
  ASSERT_EQ(http_request("POST", base() + "/query?q=CREATE%20DATABASE%20sensors").status, 200);
  ASSERT_TRUE(acks_.wait(1, 10s));
  EXPECT_TRUE(dead_letters_->records.empty()) << dead_letters_->records.front();
  const std::string answer = query("SELECT count(value) FROM temperature");
  EXPECT_NE(answer.find(R"(["1970-01-01T00:00:00Z",1])"), std::string::npos) << answer;
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

// webhook_server.py as InfluxDB: it answers each write with the next line of its script.
class ScriptedInfluxTest : public ConnectorTest {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        "python3", source_file("src/pipeline/connectors/tests/webhook_server.py").string(), "0",
        (dir_.path() / "writes.jsonl").string(), (dir_.path() / "script").string()});
    port_ = server_->first_line();
    ASSERT_FALSE(port_.empty()) << "the scripted server did not start";
  }

  // One line per write: "STATUS [DELAY_SECONDS]" (webhook_server.py).
  void script(const std::string& answers) { write_file(dir_.path() / "script", answers); }

  std::unique_ptr<Sink> open(const std::string& fields = "{ n: n }") {
    return open_to(influxdb_yaml("http://127.0.0.1:" + port_, "'m'",
                                 "          fields: " + fields + "\n"
                                 "          batch_records: 2\n"
                                 "          linger: 0ms\n"));
  }

  // Scripts the server's `answers`, then hands three writes of two events each (n = 0..5) to
  // a sink at once, so the second and the third are rendered while the write before them
  // waits for its answer, and waits until all three are acknowledged.
  void write_three(const std::string& answers) {
    script(answers);
    auto sink = open();
    ASSERT_NE(sink, nullptr);
    for (int w = 0; w < 3; ++w) {
      sink->write(json_batch({fmt::format(R"({{"n":{},"ts":{}}})", 2 * w, 1700000000000 + 2 * w),
                              fmt::format(R"({{"n":{},"ts":{}}})", 2 * w + 1, 1700000000001 + 2 * w)}),
                  acks_.callback());
    }
    ASSERT_TRUE(acks_.wait(3, 10s));
  }

  // The n of every point the server answered with 2xx, in the order it received them.
  std::vector<int> written() const {
    std::vector<int> out;
    std::stringstream writes(read_file(dir_.path() / "writes.jsonl"));
    for (std::string line; std::getline(writes, line);) {
      for (size_t at = line.find("m n="); at != std::string::npos; at = line.find("m n=", at + 1)) {
        out.push_back(std::stoi(line.substr(at + 4)));
      }
    }
    return out;
  }

  std::string metric(const std::string& name) const {
    const std::string text = registry_.render();
    const std::string prefix = name + "{pipeline=\"p\",sink=\"influxdb\"} ";
    const size_t at = text.find(prefix);
    return at == std::string::npos ? "" : text.substr(at + prefix.size(), text.find('\n', at) - at - prefix.size());
  }

  std::unique_ptr<ChildProcess> server_;
  std::string port_;
};

TEST_F(ScriptedInfluxTest, AWriteFailingWhileTheNextIsRenderedIsWrittenAgainFirstAndNothingIsLost) {
  // The first write is answered late, with a 503: the second is rendered meanwhile.
  ASSERT_NO_FATAL_FAILURE(write_three("503 0.3\n200\n"));
  EXPECT_EQ(acks_.failed(), 0u);
  EXPECT_EQ(written(), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_TRUE(dead_letters_->records.empty()) << dead_letters_->records.front();
  EXPECT_EQ(metric("caudal_connector_retries_total"), "1");
  EXPECT_EQ(metric("caudal_connector_delivered_total"), "6");
}

TEST_F(ScriptedInfluxTest, AWriteRefusedWhileTheNextIsRenderedDeadLettersOnlyItsOwnEvents) {
  // The first write is refused late, and again when it is written alone.
  ASSERT_NO_FATAL_FAILURE(write_three("400 0.3\n400\n200\n"));
  EXPECT_EQ(written(), (std::vector<int>{2, 3, 4, 5}));
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_NE(dead_letters_->records[i].find(fmt::format(R"("n":{})", i)), std::string::npos) << dead_letters_->records[i];
    EXPECT_NE(dead_letters_->records[i].find("InfluxDB answered HTTP 400"), std::string::npos) << dead_letters_->records[i];
  }
}

TEST_F(ScriptedInfluxTest, HeldEventsAreAcknowledgedWhenTheLastAnswerComesWithoutMoreEvents) {
  script("200 0.2\n");
  auto sink = open();
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"n":7,"ts":1700000000000})"}), acks_.callback());
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(acks_.ok(), 0u) << "acknowledged before InfluxDB answered";
  ASSERT_TRUE(acks_.wait(1, 5s));
  EXPECT_EQ(written(), (std::vector<int>{7}));
}

TEST_F(ScriptedInfluxTest, AnEventWhoseExpressionFailsIsDeadLetteredAloneWithTheExpression) {
  auto sink = open("{ n: n, twice: \"n * 2\" }");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"n":1,"ts":1700000000000})", R"({"n":"x","ts":1700000000001})",
                          R"({"n":3,"ts":1700000000002})"}),
              acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 5s));
  EXPECT_EQ(written(), (std::vector<int>{1, 3}));
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 1u);
  EXPECT_NE(dead_letters_->records[0].find("field twice (n * 2): "), std::string::npos) << dead_letters_->records[0];
  EXPECT_NE(dead_letters_->records[0].find(R"("n":"x")"), std::string::npos) << dead_letters_->records[0];
}

}  // namespace
}  // namespace caudal::pipeline::connectors::testing
