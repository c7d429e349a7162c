// The Kafka sink and source against a second Caudal process acting as the remote cluster
// (`caudal serve` with a Kafka listener on a port chosen before it starts, so a client can be
// pointed at it while it is down): records wait while it is down, at start and mid-stream,
// then arrive once each and in order per key; permanent refusals are dead-lettered; the
// source reads with a consumer group and resumes at what it committed.
#include <signal.h>

#include <map>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "pipeline/connectors/kafka/kafka_source.h"
#include "pipeline/connectors/registry.h"
#include "pipeline/connectors/tests/test_servers.h"
#include "pipeline/event/json.h"

namespace caudal::pipeline::connectors::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Quick reconnects, so a test does not wait out librdkafka's default backoff of seconds.
constexpr const char* kQuickReconnect = "reconnect.backoff.ms: '50', reconnect.backoff.max.ms: '200'";

// `caudal serve` with topic REMOTE (2 partitions) on a fixed Kafka port; its data survives a
// restart.
class RemoteCaudal {
 public:
  RemoteCaudal(fs::path dir, int kafka_port) : dir_(std::move(dir)), kafka_port_(kafka_port) {
    fs::create_directories(dir_);
    write_file(dir_ / "caudal.yaml", fmt::format("data_dir: ./data\n"
                                                 "listen:\n  http: 127.0.0.1:0\n  kafka: 127.0.0.1:{}\n"
                                                 "topics:\n  REMOTE: {{partitions: 2}}\n",
                                                 kafka_port_));
  }

  void start() {
    const fs::path log = dir_ / "caudal.log";
    write_file(log, "");
    const char* binary = std::getenv("CAUDAL_BINARY");
    ASSERT_NE(binary, nullptr) << "CAUDAL_BINARY is not set";
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        "sh", "-c", fmt::format("exec '{}' serve -c '{}' 2>'{}'", binary, (dir_ / "caudal.yaml").string(), log.string())});
    ASSERT_TRUE(eventually([&] { return read_file(log).find(" running") != std::string::npos; }, 20s))
        << read_file(log);
    std::smatch match;
    const std::string text = read_file(log);
    ASSERT_TRUE(std::regex_search(text, match, std::regex("listening http on ([0-9.:]+)"))) << text;
    http_ = match[1];
  }

  void stop() {
    ASSERT_NE(process_, nullptr);
    EXPECT_EQ(process_->stop(SIGTERM), 0);
    process_.reset();
  }

  std::string brokers() const { return fmt::format("127.0.0.1:{}", kafka_port_); }

  // The values of partition `p`'s records, in offset order, as "key=value" lines.
  std::vector<std::string> records(int partition) const {
    const HttpAnswer answer = http_request(
        "GET", fmt::format("http://{}/v1/topics/REMOTE/records?partition={}&offset=0&limit=1000", http_, partition));
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::vector<std::string> out;
    const std::regex record(R"re((?:"key":"([^"]*)",)?"value":\{"n":([0-9]+))re");
    for (auto it = std::sregex_iterator(answer.body.begin(), answer.body.end(), record); it != std::sregex_iterator(); ++it) {
      out.push_back(fmt::format("{}={}", (*it)[1].str(), (*it)[2].str()));
    }
    return out;
  }

  // Appends NDJSON events to REMOTE over HTTP.
  void ingest(const std::string& ndjson) const {
    const HttpAnswer answer = http_request("POST", fmt::format("http://{}/v1/topics/REMOTE", http_), ndjson, "application/x-ndjson");
    EXPECT_EQ(answer.status, 200) << answer.body;
  }

 private:
  fs::path dir_;
  int kafka_port_;
  std::unique_ptr<ChildProcess> process_;
  std::string http_;
};

class KafkaTest : public ConnectorTest {
 protected:
  std::unique_ptr<Sink> open_sink(const std::string& extra = "") {
    return open_to(fmt::format("      - kafka: {{ brokers: '{}', topic: REMOTE, key: 'device', timeout: 20s, "
                               "retry_backoff: 50ms, retry_backoff_max: 200ms, linger: 5ms, batch_records: 500, "
                               "properties: {{ {} }} {} }}\n",
                               remote_.brokers(), kQuickReconnect, extra));
  }

  // Events n = from..to-1 with device "d{n % 3}", the key the sink takes.
  static std::shared_ptr<SinkBatch> events(int from, int to) {
    std::vector<std::string> values;
    for (int n = from; n < to; ++n) values.push_back(fmt::format(R"({{"n":{},"device":"d{}"}})", n, n % 3));
    return json_batch(values);
  }

  // Every record of REMOTE: each n exactly once, and per key in increasing n.
  void expect_each_once_in_order_per_key(int count) {
    std::map<std::string, std::vector<int>> by_key;
    std::map<int, int> seen;
    for (int p = 0; p < 2; ++p) {
      for (const std::string& line : remote_.records(p)) {
        const size_t eq = line.find('=');
        const int n = std::stoi(line.substr(eq + 1));
        by_key[line.substr(0, eq)].push_back(n);
        ++seen[n];
      }
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(count));
    for (const auto& [n, times] : seen) EXPECT_EQ(times, 1) << "event " << n << " arrived " << times << " times";
    for (const auto& [key, ns] : by_key) {
      EXPECT_TRUE(std::is_sorted(ns.begin(), ns.end())) << "key " << key << " out of order";
      for (int n : ns) EXPECT_EQ(fmt::format("d{}", n % 3), key);
    }
  }

  int port_ = free_port();
  RemoteCaudal remote_{dir_.path() / "remote", port_};
};

TEST_F(KafkaTest, RecordsWaitForTheClusterAtStartAndMidStreamThenArriveOnceInOrderPerKey) {
  auto sink = open_sink();
  ASSERT_NE(sink, nullptr);
  // Each round: events written while the cluster is down wait, then arrive once it is up.
  const std::vector<std::vector<std::pair<int, int>>> rounds = {{{0, 30}, {30, 60}}, {{60, 90}}};
  size_t written = 0;
  for (const auto& round : rounds) {
    const size_t acknowledged = acks_.ok();
    for (const auto& [from, to] : round) sink->write(events(from, to), acks_.callback());
    written += round.size();
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(acks_.ok(), acknowledged) << "acknowledged while the cluster was down";
    remote_.start();
    ASSERT_TRUE(acks_.wait(written, 30s));
    expect_each_once_in_order_per_key(round.back().second);
    remote_.stop();  // down mid-stream for the next round
  }
  std::lock_guard lock(dead_letters_->mutex);
  EXPECT_TRUE(dead_letters_->records.empty());
}

TEST_F(KafkaTest, PermanentRefusalsAreDeadLetteredWithTheReason) {
  remote_.start();
  // A record over the producer's message.max.bytes can never be sent; an event without the
  // field the topic template names has no topic.
  auto sink = open_to(fmt::format(
      "      - kafka: {{ brokers: '{}', topic: '{{dest}}', properties: {{ message.max.bytes: '1000' }} }}\n",
      remote_.brokers()));
  ASSERT_NE(sink, nullptr);
  const std::string big = fmt::format(R"({{"n":1,"dest":"REMOTE","pad":"{}"}})", std::string(2000, 'x'));
  sink->write(json_batch({R"({"n":0,"dest":"REMOTE"})", big, R"({"n":2})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 30s));
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 2u);
  EXPECT_NE(dead_letters_->records[0].find("refused the record: Broker: Message size too large"), std::string::npos)
      << dead_letters_->records[0];
  EXPECT_NE(dead_letters_->records[1].find(R"("reason":"the topic template '{dest}' gave an empty name")"),
            std::string::npos)
      << dead_letters_->records[1];
  EXPECT_EQ(remote_.records(0).size() + remote_.records(1).size(), 1u) << "only the first event is in REMOTE";
}

TEST_F(KafkaTest, AnUnknownLibrdkafkaPropertyIsRefusedWhenThePipelineCompiles) {
  auto config = config::parse_config(
      "data_dir: d\npipelines:\n  p:\n    from: ENTRY\n    to:\n"
      "      - kafka: { brokers: 'x:9092', topic: T, properties: { securty.protocol: ssl } }\n",
      "caudal.yaml", config::MapEnvironment());
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto definition = compile_pipeline(*config, "p", nullptr);
  ASSERT_FALSE(definition.ok());
  EXPECT_NE(definition.status().message().find("properties: securty.protocol: No such configuration property"),
            std::string::npos)
      << definition.status().message();
}

// Polls `source` until `count` records came (or 30 s passed).
std::vector<std::string> poll_values(KafkaSource& source, size_t count, std::vector<KafkaPosition>& positions) {
  std::vector<std::string> values;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (values.size() < count && std::chrono::steady_clock::now() < deadline) {
    Result<std::span<const KafkaSourceRecord>> records = source.poll(100, 200ms);
    EXPECT_TRUE(records.ok()) << records.status().to_string();
    if (!records.ok()) break;
    for (const KafkaSourceRecord& record : *records) {
      values.emplace_back(record.value.value_or(""));
      positions.push_back(KafkaPosition{std::string(record.topic), record.partition, log::Offset(record.offset.value() + 1)});
    }
  }
  return values;
}

TEST_F(KafkaTest, TheSourceWaitsForTheClusterThenResumesAtWhatItCommitted) {
  KafkaSourceOptions options;
  options.brokers = remote_.brokers();
  options.group = "readers";
  options.topics = {"REMOTE"};
  options.properties = {{"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "200"}};
  auto source = KafkaSource::open(options);
  ASSERT_TRUE(source.ok()) << source.status().to_string();
  Result<std::span<const KafkaSourceRecord>> nothing = (*source)->poll(10, 300ms);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());

  remote_.start();
  std::string ndjson;
  for (int n = 0; n < 20; ++n) ndjson += fmt::format("{{\"n\":{}}}\n", n);
  remote_.ingest(ndjson);
  std::vector<KafkaPosition> positions;
  std::vector<std::string> first = poll_values(**source, 20, positions);
  ASSERT_EQ(first.size(), 20u);
  ASSERT_TRUE((*source)->commit(positions, 10s).ok());
  source->reset();  // leaves the group

  remote_.ingest("{\"n\":20}\n{\"n\":21}\n");
  auto again = KafkaSource::open(options);
  ASSERT_TRUE(again.ok());
  positions.clear();
  std::vector<std::string> second = poll_values(**again, 2, positions);
  std::sort(second.begin(), second.end());
  EXPECT_EQ(second, (std::vector<std::string>{R"({"n":20})", R"({"n":21})"})) << "resumed after the committed offsets";
  Result<std::span<const KafkaSourceRecord>> rest = (*again)->poll(10, 500ms);
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(rest->empty()) << "nothing committed is read again";
}

TEST_F(KafkaTest, AMisspeltSourcePropertyIsRefusedAtOpen) {
  KafkaSourceOptions options;
  options.brokers = "127.0.0.1:1";
  options.group = "g";
  options.topics = {"T"};
  options.properties = {{"securty.protocol", "ssl"}};
  auto source = KafkaSource::open(options);
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.status().message().find("properties: securty.protocol: No such configuration property"),
            std::string::npos)
      << source.status().message();
}

}  // namespace
}  // namespace caudal::pipeline::connectors::testing
