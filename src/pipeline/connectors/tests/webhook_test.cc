// The webhook connector against a real HTTP server (tests/webhook_server.py, python3's
// http.server): templated URLs and headers, batched bodies, the server down at start and
// mid-stream (events wait, then arrive once, in order), 5xx retried, 4xx dead-lettered.
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/connectors/registry.h"
#include "pipeline/connectors/tests/test_servers.h"

namespace caudal::pipeline::connectors::testing {
namespace {

using namespace std::chrono_literals;

class WebhookTest : public ConnectorTest {
 protected:
  void SetUp() override { start_server("0"); }

  void start_server(const std::string& port) {
    server_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        "python3", source_file("src/pipeline/connectors/tests/webhook_server.py").string(), port,
        log_path().string(), status_path().string()});
    port_ = server_->first_line();
    ASSERT_FALSE(port_.empty()) << "the webhook server did not start";
  }

  std::filesystem::path log_path() const { return dir_.path() / "requests.jsonl"; }
  std::filesystem::path status_path() const { return dir_.path() / "status"; }

  std::unique_ptr<Sink> open(const std::string& options) {
    return open_to(fmt::format("      - webhook: {{ url: \"http://127.0.0.1:{}/hook/{{device}}\", "
                                         "retry_backoff: 20ms, retry_backoff_max: 100ms, {} }}\n",
                                         port_, options));
  }

  // The requests the server answered with 2xx, as Python dict reprs of one line each.
  std::vector<std::string> requests() const {
    std::vector<std::string> lines;
    std::stringstream in(read_file(log_path()));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::unique_ptr<ChildProcess> server_;
  std::string port_;
};

TEST_F(WebhookTest, PostsEachEventToItsTemplatedUrlWithTemplatedHeaders) {
  auto sink = open("headers: { X-Device: \"dev-{device}\", X-Static: fixed }");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"a1","t":1})", R"({"device":"b2","t":2})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  const std::vector<std::string> lines = requests();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(R"("method": "POST", "path": "/hook/a1")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("x-device": "dev-a1")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("x-static": "fixed")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("content-type": "application/json")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("body": "{\"device\":\"a1\",\"t\":1}")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("path": "/hook/b2")"), std::string::npos) << lines[1];
}

TEST_F(WebhookTest, BatchesEventsForTheSameUrlIntoOneJsonArray) {
  auto sink = open("body: array, batch_records: 10, linger: 200ms");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"a","n":1})", R"({"device":"a","n":2})"}), acks_.callback());
  sink->write(json_batch({R"({"device":"a","n":3})", R"({"device":"b","n":4})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(2, 10s));
  const std::vector<std::string> lines = requests();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(R"("body": "[{\"device\":\"a\",\"n\":1},{\"device\":\"a\",\"n\":2},{\"device\":\"a\",\"n\":3}]")"),
            std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("path": "/hook/b")"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(R"("body": "[{\"device\":\"b\",\"n\":4}]")"), std::string::npos) << lines[1];
}

TEST_F(WebhookTest, NdjsonBodiesHaveOneEventPerLine) {
  auto sink = open("body: ndjson, batch_records: 3");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"a","n":1})", R"({"device":"a","n":2})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  const std::vector<std::string> lines = requests();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(R"("content-type": "application/x-ndjson")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("body": "{\"device\":\"a\",\"n\":1}\n{\"device\":\"a\",\"n\":2}\n")"), std::string::npos)
      << lines[0];
}

TEST_F(WebhookTest, ServerDownAtStartEventsWaitThenArriveOnceInOrder) {
  const std::string port = port_;
  server_->kill();
  auto sink = open("connect_timeout: 1s");
  ASSERT_NE(sink, nullptr);
  for (int n = 0; n < 5; ++n) sink->write(json_batch({fmt::format(R"({{"device":"d","n":{}}})", n)}), acks_.callback());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 0u) << "nothing is acknowledged while the server is down";
  start_server(port);
  ASSERT_TRUE(acks_.wait(5, 10s));
  const std::vector<std::string> lines = requests();
  ASSERT_EQ(lines.size(), 5u);
  for (int n = 0; n < 5; ++n) {
    EXPECT_NE(lines[n].find(fmt::format(R"(\"n\":{}}})", n)), std::string::npos) << lines[n];
  }
  EXPECT_TRUE(dead_letters_->records.empty());
  EXPECT_GT(registry_.render().find("caudal_connector_retries_total{pipeline=\"p\",sink=\"webhook\"}"), 0u);
}

TEST_F(WebhookTest, ServerDownMidStreamEventsWaitThenArriveOnceInOrder) {
  auto sink = open("connect_timeout: 1s");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"d","n":0})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  const std::string port = port_;
  server_->kill();
  for (int n = 1; n < 4; ++n) sink->write(json_batch({fmt::format(R"({{"device":"d","n":{}}})", n)}), acks_.callback());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 1u);
  start_server(port);
  ASSERT_TRUE(acks_.wait(4, 10s));
  const std::vector<std::string> lines = requests();
  ASSERT_EQ(lines.size(), 4u);
  for (int n = 0; n < 4; ++n) {
    EXPECT_NE(lines[n].find(fmt::format(R"(\"n\":{}}})", n)), std::string::npos) << lines[n];
  }
}

TEST_F(WebhookTest, ServerErrorsAreRetriedUntilDelivered) {
  write_file(status_path(), "503");
  auto sink = open("");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"d","n":1})"}), acks_.callback());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 0u);
  EXPECT_TRUE(requests().empty());
  write_file(status_path(), "200");
  ASSERT_TRUE(acks_.wait(1, 10s));
  EXPECT_EQ(requests().size(), 1u);
  EXPECT_TRUE(dead_letters_->records.empty());
}

TEST_F(WebhookTest, ClientErrorsAreDeadLetteredWithTheReason) {
  write_file(status_path(), "400");
  auto sink = open("");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"d","n":1})", R"({"device":"e","n":2})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 2u);
  EXPECT_EQ(dead_letters_->records[0],
            fmt::format(R"({{"pipeline":"p","reason":"POST http://127.0.0.1:{}/hook/d answered HTTP 400: {{\"status\":400}}",)"
                        R"("sink":"webhook","source":{{"topic":"","partition":-1,"offset":-1,"timestamp":1700000000000}},)"
                        R"("event":{{"device":"d","n":1}}}})",
                        port_));
}

TEST_F(WebhookTest, MaxAttemptsGivesUpAndDeadLetters) {
  write_file(status_path(), "500");
  auto sink = open("max_attempts: 2");
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({R"({"device":"d","n":1})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 1u);
  EXPECT_NE(dead_letters_->records[0].find("gave up after 2 attempts: POST http://127.0.0.1:"), std::string::npos)
      << dead_letters_->records[0];
  EXPECT_NE(dead_letters_->records[0].find("answered HTTP 500"), std::string::npos);
}

}  // namespace
}  // namespace caudal::pipeline::connectors::testing
