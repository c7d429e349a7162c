// The e-mail connector against a real SMTP server (aiosmtpd, tests/smtp_server.py): the
// delivered message's envelope, headers and body; authentication; a refused recipient
// dead-lettered; the server down at start; the rate limit; the outbox mode.
#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/fault_injecting_file_system.h"
#include "config/config.h"
#include "pipeline/connectors/registry.h"
#include "pipeline/connectors/tests/test_servers.h"

namespace caudal::pipeline::connectors::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kCustomerEvent =
    R"({"device":"fridge-7","state":"ALARM","customer":{"name":"Ada Lovelace","email":"ada@example.com","phone":"+44 1"}})";

class EmailTest : public ConnectorTest {
 protected:
  void SetUp() override { fs::create_directories(mail_dir()); }

  void start_server(const std::string& port, const std::string& reject = "", const std::string& credentials = "") {
    server_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        // Debian's python3, where python3-aiosmtpd is installed.
        "/usr/bin/python3", source_file("src/pipeline/connectors/tests/smtp_server.py").string(), port, mail_dir().string(),
        reject, credentials});
    port_ = server_->first_line();
    ASSERT_FALSE(port_.empty()) << "the SMTP server did not start";
  }

  fs::path mail_dir() const { return dir_.path() / "mail"; }

  std::unique_ptr<Sink> open(const std::string& options) {
    return open_to(
        "      - email:\n"
        "          from: \"Caudal alarms <alarms@caudal.test>\"\n"
        "          to: \"{customer.name} <{customer.email}>, ops@caudal.test\"\n"
        "          subject: \"Alarm: {device} is {state}\"\n"
        "          body: \"Device {device} reports {state}.\\nCustomer: {customer}\\n\"\n"
        "          retry_backoff: 20ms\n"
        "          retry_backoff_max: 100ms\n" +
        options);
  }

  std::vector<std::string> messages(const fs::path& dir) const {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".eml" && !entry.path().filename().string().starts_with(".")) {
        paths.push_back(entry.path());
      }
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> out;
    for (const fs::path& path : paths) out.push_back(read_file(path));
    return out;
  }

  std::unique_ptr<ChildProcess> server_;
  std::string port_;
};

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "missing: " << part << "\nin:\n" << text;
}

TEST_F(EmailTest, DeliversTheTemplatedMessageWithTheCustomersData) {
  start_server("0");
  auto sink = open(fmt::format("          url: \"smtp://127.0.0.1:{}\"\n", port_));
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({kCustomerEvent}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  const std::vector<std::string> mail = messages(mail_dir());
  ASSERT_EQ(mail.size(), 1u);
  expect_contains(mail[0], "X-Envelope: from=alarms@caudal.test to=ada@example.com,ops@caudal.test\r\n");
  expect_contains(mail[0], "\r\nFrom: Caudal alarms <alarms@caudal.test>\r\n");
  expect_contains(mail[0], "\r\nTo: Ada Lovelace <ada@example.com>, ops@caudal.test\r\n");
  expect_contains(mail[0], "\r\nSubject: Alarm: fridge-7 is ALARM\r\n");
  expect_contains(mail[0], "\r\nContent-Type: text/plain; charset=utf-8\r\n");
  expect_contains(mail[0], "\r\n\r\nDevice fridge-7 reports ALARM.\r\nCustomer: "
                           R"({"name":"Ada Lovelace","email":"ada@example.com","phone":"+44 1"})"
                           "\r\n");
}

TEST_F(EmailTest, AuthenticatesWithUsernameAndPassword) {
  start_server("0", "", "caudal:s3cret");
  auto sink = open(fmt::format("          url: \"smtp://127.0.0.1:{}\"\n          username: caudal\n"
                               "          password: s3cret\n          starttls: none\n",
                               port_));
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({kCustomerEvent}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  EXPECT_EQ(messages(mail_dir()).size(), 1u);
}

TEST_F(EmailTest, ARefusedRecipientIsDeadLetteredWithTheServersAnswer) {
  start_server("0", "ada@example.com");
  auto sink = open(fmt::format("          url: \"smtp://127.0.0.1:{}\"\n", port_));
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({kCustomerEvent}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  EXPECT_TRUE(messages(mail_dir()).empty());
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 1u);
  expect_contains(dead_letters_->records[0], R"("reason":"sending mail through smtp://127.0.0.1:)");
  expect_contains(dead_letters_->records[0], R"x((SMTP 550)","sink":"email")x");
}

TEST_F(EmailTest, ServerDownAtStartMessagesWaitThenArriveOnceInOrder) {
  start_server("0");
  const std::string port = port_;
  server_->kill();
  auto sink = open(fmt::format("          url: \"smtp://127.0.0.1:{}\"\n", port));
  ASSERT_NE(sink, nullptr);
  for (int n = 0; n < 3; ++n) {
    sink->write(json_batch({fmt::format(R"({{"device":"d{}","state":"ALARM","customer":{{"email":"a@b.c"}}}})", n)}),
                acks_.callback());
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(acks_.ok(), 0u);
  start_server(port);
  ASSERT_TRUE(acks_.wait(3, 15s));
  const std::vector<std::string> mail = messages(mail_dir());
  ASSERT_EQ(mail.size(), 3u);
  for (int n = 0; n < 3; ++n) expect_contains(mail[n], fmt::format("Subject: Alarm: d{} is ALARM", n));
}

TEST_F(EmailTest, TheRateLimitHoldsMessagesBack) {
  auto sink = open(fmt::format("          outbox: \"{}\"\n          max_per_second: 2\n", (dir_.path() / "out").string()));
  ASSERT_NE(sink, nullptr);
  const auto start = std::chrono::steady_clock::now();
  sink->write(json_batch({kCustomerEvent, kCustomerEvent, kCustomerEvent, kCustomerEvent, kCustomerEvent}),
              acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  // 2 at once, 2 a second later, the fifth two seconds later.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1900ms);
  EXPECT_EQ(messages(dir_.path() / "out").size(), 5u);
  EXPECT_NE(registry_.render().find("caudal_connector_retries_total{pipeline=\"p\",sink=\"email\"} 0"), std::string::npos);
}

TEST_F(EmailTest, OutboxModeWritesCompleteEmlFiles) {
  auto sink = open(fmt::format("          outbox: \"{}\"\n", (dir_.path() / "out").string()));
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({kCustomerEvent, R"({"device":"x","state":"OK","customer":{"email":"b@c.d"}})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  const std::vector<std::string> mail = messages(dir_.path() / "out");
  ASSERT_EQ(mail.size(), 2u);
  EXPECT_TRUE(mail[0].starts_with("From: Caudal alarms <alarms@caudal.test>\r\nTo: Ada Lovelace <ada@example.com>, "
                                  "ops@caudal.test\r\nSubject: Alarm: fridge-7 is ALARM\r\nDate: "))
      << mail[0];
  expect_contains(mail[1], "Subject: Alarm: x is OK\r\n");
}

TEST_F(EmailTest, OutboxMessagesOfADeliveryAreSyncedOnceThenNamedTogetherWithOneDirectorySync) {
  FaultInjectingFileSystem faulty(PosixFileSystem::instance());
  file_system_ = &faulty;
  auto sink = open(fmt::format("          outbox: \"{}\"\n          batch_records: 3\n          linger: 200ms\n",
                               (dir_.path() / "out").string()));
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({kCustomerEvent, kCustomerEvent, kCustomerEvent}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  EXPECT_EQ(messages(dir_.path() / "out").size(), 3u);
  EXPECT_EQ(faulty.sync_count(), 4u) << "one sync per message and one of the outbox for the delivery";
}

// The outbox's directory sync fails twice: the messages already renamed are removed again
// (none shows twice) and the delivery is acknowledged only after the third attempt.
TEST_F(EmailTest, AnOutboxDeliveryWhoseNamesCannotBeMadeDurableLeavesNoMessageAndIsTriedAgain) {
  FaultInjectingFileSystem faulty(PosixFileSystem::instance());
  file_system_ = &faulty;
  const fs::path out = dir_.path() / "out";
  std::atomic<int> directory_syncs{0};
  faulty.set_sync_hook([&](const fs::path& path) {
    const bool fail = path == out && ++directory_syncs <= 2;
    faulty.set_sync_error(fail ? std::make_error_code(std::errc::io_error) : std::error_code());
  });
  auto sink = open(fmt::format("          outbox: \"{}\"\n          batch_records: 2\n          linger: 200ms\n",
                               out.string()));
  ASSERT_NE(sink, nullptr);
  sink->write(json_batch({kCustomerEvent, kCustomerEvent}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 10s));
  EXPECT_EQ(directory_syncs.load(), 3);
  EXPECT_EQ(messages(out).size(), 2u) << "the messages of the failed attempts were removed";
  sink.reset();
  faulty.set_sync_hook({});
}

TEST_F(EmailTest, UrlOrOutboxIsRequired) {
  const std::string yaml =
      "data_dir: d\npipelines:\n  p:\n    from: ENTRY\n    to:\n      - email: { from: a@b, to: c@d, subject: s }\n";
  auto config = config::parse_config(yaml, "caudal.yaml", config::MapEnvironment());
  ASSERT_TRUE(config.ok());
  auto definition = compile_pipeline(*config, "p", nullptr);
  ASSERT_FALSE(definition.ok());
  expect_contains(std::string(definition.status().message()),
                  "pipelines.p.to[0].email: give exactly one of `url` (send over SMTP) and `outbox` (write .eml files)");
}

}  // namespace
}  // namespace caudal::pipeline::connectors::testing
