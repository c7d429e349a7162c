#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "config/errc.h"

namespace caudal::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;
using std::chrono::milliseconds;

const MapEnvironment kNoEnv;

Config parse_ok(std::string_view text, const Environment& env = kNoEnv,
                std::string_view file_name = "caudal.yaml") {
  Result<Config> result = parse_config(text, file_name, env);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? std::move(result).value() : Config{};
}

TEST(LoaderTest, MinimalFileGetsEveryDefault) {
  const Config config = parse_ok("data_dir: /var/lib/caudal\n");
  EXPECT_EQ(config.source_file, fs::path("caudal.yaml"));
  EXPECT_EQ(config.data_dir, fs::path("/var/lib/caudal"));
  EXPECT_FALSE(config.listen.http.has_value());
  EXPECT_FALSE(config.listen.kafka.has_value());
  EXPECT_FALSE(config.listen.elasticsearch.has_value());
  EXPECT_TRUE(config.auto_create_topics);
  EXPECT_TRUE(config.topics.empty());
  const TopicConfig& d = config.topic_defaults;
  EXPECT_EQ(d.partitions, 1);
  EXPECT_FALSE(d.retention.has_value());
  EXPECT_FALSE(d.retention_bytes.has_value());
  EXPECT_EQ(d.segment_bytes, 1ull << 30);
  EXPECT_FALSE(d.segment_age.has_value());
  EXPECT_EQ(d.max_message_bytes, 1u << 20);
  EXPECT_EQ(d.flush.mode, FlushPolicy::Mode::kNone);
  EXPECT_TRUE(config.secret_keys.empty());
}

TEST(LoaderTest, ReadsEveryKey) {
  const Config config = parse_ok(R"(
data_dir: /srv/data
listen:
  http: 127.0.0.1:8080
  kafka: "[::1]:9092"
  elasticsearch: 0.0.0.0:0
auto_create_topics: false
topics:
  ENTRY:
    partitions: 4
    retention: 8d
    retention_bytes: 10GiB
    segment_bytes: 256MiB
    segment_age: 1h
    max_message_bytes: 2MiB
    flush: interval(200ms)
  OK: {flush: always}
)");
  EXPECT_EQ(config.listen.http->to_string(), "127.0.0.1:8080");
  EXPECT_EQ(config.listen.kafka->host, "::1");
  EXPECT_EQ(config.listen.kafka->port, 9092);
  EXPECT_EQ(config.listen.elasticsearch->port, 0);
  EXPECT_FALSE(config.auto_create_topics);
  ASSERT_EQ(config.topics.size(), 2u);
  const TopicConfig& entry = config.topics.at("ENTRY");
  EXPECT_EQ(entry.partitions, 4);
  EXPECT_EQ(entry.retention, hours(8 * 24));
  EXPECT_EQ(entry.retention_bytes, 10ull << 30);
  EXPECT_EQ(entry.segment_bytes, 256ull << 20);
  EXPECT_EQ(entry.segment_age, hours(1));
  EXPECT_EQ(entry.max_message_bytes, 2u << 20);
  EXPECT_EQ(entry.flush, (FlushPolicy{FlushPolicy::Mode::kInterval, milliseconds(200)}));
  EXPECT_EQ(config.topics.at("OK").flush.mode, FlushPolicy::Mode::kAlways);
}

TEST(LoaderTest, TopicsInheritUnsetKeysFromTopicDefaultsWhereverTheyAreWritten) {
  // topic_defaults after topics on purpose: the order in the file does not matter.
  const Config config = parse_ok(R"(
data_dir: d
topics:
  ENTRY: {partitions: 4}
  OK:
  COUNT: {retention: forever, segment_age: never, retention_bytes: unlimited, flush: none}
topic_defaults:
  partitions: 2
  retention: 7d
  retention_bytes: 1GiB
  segment_age: 1d
  flush: always
)");
  const TopicConfig& entry = config.topics.at("ENTRY");
  EXPECT_EQ(entry.partitions, 4);
  EXPECT_EQ(entry.retention, hours(7 * 24));
  EXPECT_EQ(entry.retention_bytes, 1ull << 30);
  EXPECT_EQ(entry.flush.mode, FlushPolicy::Mode::kAlways);

  const TopicConfig& ok = config.topics.at("OK");  // an empty value: all defaults
  EXPECT_EQ(ok.partitions, 2);
  EXPECT_EQ(ok.segment_age, hours(24));

  const TopicConfig& count = config.topics.at("COUNT");  // keywords switch defaults off
  EXPECT_EQ(count.partitions, 2);
  EXPECT_FALSE(count.retention.has_value());
  EXPECT_FALSE(count.retention_bytes.has_value());
  EXPECT_FALSE(count.segment_age.has_value());
  EXPECT_EQ(count.flush.mode, FlushPolicy::Mode::kNone);
}

TEST(LoaderTest, SubstitutesVariablesWithAndWithoutDefaults) {
  const MapEnvironment env({{"CAUDAL_HOST", "10.1.2.3"}, {"PARTS", "6"}, {"EMPTY", ""}});
  const Config config = parse_ok(R"(
data_dir: ${DATA_DIR:-/srv/caudal}
listen:
  http: ${CAUDAL_HOST}:${HTTP_PORT:-8080}
  kafka: ${EMPTY:-127.0.0.1}:9092
topics:
  ENTRY: {partitions: "${PARTS}"}
)",
                                 env);
  EXPECT_EQ(config.data_dir, fs::path("/srv/caudal"));
  EXPECT_EQ(config.listen.http->to_string(), "10.1.2.3:8080");
  EXPECT_EQ(config.listen.kafka->to_string(), "127.0.0.1:9092");
  EXPECT_EQ(config.topics.at("ENTRY").partitions, 6);
}

TEST(LoaderTest, KeysAreNeverSubstituted) {
  const MapEnvironment env(MapEnvironment::Variables{{"KEY", "auto_create_topics"}});
  Result<Config> result = parse_config("data_dir: d\n${KEY}: false\n", "caudal.yaml", env);
  ASSERT_FALSE(result.ok());
  // The list goes on with the sections declared after `topics` (pipelines, ...).
  EXPECT_THAT(result.status().message(),
              testing::StartsWith("caudal.yaml:2:1: ${KEY}: unknown key, expected one of: "
                                  "data_dir, listen, http, auto_create_topics, topic_defaults, "
                                  "topics, "));
}

TEST(LoaderTest, PipelinesKeepFromStepsAndToAsWrittenWithPositions) {
  const Config config = parse_ok(R"(data_dir: d
pipelines:
  enrich:
    from: [ENTRY, MORE]
    steps:
      - filter: temperature > 30
    to: stdout
    commit_interval: 250ms
)");
  const PipelineConfig& pipeline = config.pipelines.at("enrich");
  ASSERT_EQ(pipeline.from.kind, Node::Kind::kList);
  EXPECT_EQ(pipeline.from.items.at(1).text, "MORE");
  ASSERT_EQ(pipeline.steps.items.size(), 1u);
  const Node::Entry& step = pipeline.steps.items[0].entries.at(0);
  EXPECT_EQ(step.key, "filter");
  EXPECT_EQ(step.value.text, "temperature > 30");
  EXPECT_EQ(step.value.position.line, 6);
  EXPECT_EQ(step.value.position.column, 17);
  EXPECT_EQ(pipeline.to.text, "stdout");
  EXPECT_EQ(pipeline.start, "earliest");
  EXPECT_FALSE(pipeline.dead_letter.has_value());
  EXPECT_EQ(pipeline.commit_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(pipeline.max_in_flight, 65536);
}

TEST(LoaderTest, HttpSectionDefaults) {
  const Config config = parse_ok("data_dir: d\n");
  EXPECT_EQ(config.http.max_body_bytes, 64ull << 20);
  EXPECT_EQ(config.http.max_header_bytes, 64u << 10);
  EXPECT_EQ(config.http.header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(config.http.idle_timeout, std::chrono::seconds(60));
  EXPECT_TRUE(config.http.bulk.indexes.empty());
  EXPECT_TRUE(config.http.hec.tokens.empty());
  EXPECT_TRUE(config.http.hec.indexes.empty());
  EXPECT_FALSE(config.topic_defaults.enrich.received_at);
  EXPECT_FALSE(config.topic_defaults.enrich.event_id);
  EXPECT_FALSE(config.topic_defaults.enrich.client_address);
  EXPECT_FALSE(config.topic_defaults.enrich.host);
}

TEST(LoaderTest, ReadsHttpSectionAndEnrichment) {
  const MapEnvironment env(MapEnvironment::Variables{{"HEC_TOKEN", "t0k3n"}});
  const Config config = parse_ok(R"(
data_dir: d
http:
  max_body_bytes: 8MiB
  max_header_bytes: 16KiB
  header_timeout: 2s
  idle_timeout: 5m
  bulk:
    indexes: {"logstash-*": logs, nginx: web}
  hec:
    tokens:
      shipper: {token: "${HEC_TOKEN}", topic: logs}
      plain: {token: abc, topic: other}
    indexes: {main: logs, security: audit}
topic_defaults:
  enrich: {received_at: true, event_id: true}
topics:
  ENTRY: {enrich: {host: true, event_id: false}}
)",
                                 env);
  EXPECT_EQ(config.http.max_body_bytes, 8ull << 20);
  EXPECT_EQ(config.http.max_header_bytes, 16u << 10);
  EXPECT_EQ(config.http.header_timeout, std::chrono::seconds(2));
  EXPECT_EQ(config.http.idle_timeout, std::chrono::minutes(5));
  EXPECT_EQ(config.http.bulk.indexes, (IndexTopics{{"logstash-*", "logs"}, {"nginx", "web"}}));
  ASSERT_EQ(config.http.hec.tokens.size(), 2u);
  EXPECT_EQ(config.http.hec.tokens.at("shipper").token, "t0k3n");
  EXPECT_EQ(config.http.hec.tokens.at("shipper").topic, "logs");
  EXPECT_TRUE(config.http.hec.tokens.at("shipper").secret_keys.contains("token"));
  EXPECT_FALSE(config.http.hec.tokens.at("plain").secret_keys.contains("token"));
  EXPECT_EQ(config.http.hec.indexes, (IndexTopics{{"main", "logs"}, {"security", "audit"}}));
  // ENTRY inherits received_at from the defaults and overrides event_id.
  const EnrichConfig& enrich = config.topics.at("ENTRY").enrich;
  EXPECT_TRUE(enrich.received_at);
  EXPECT_FALSE(enrich.event_id);
  EXPECT_FALSE(enrich.client_address);
  EXPECT_TRUE(enrich.host);
}

TEST(IndexPatternTest, AcceptsElasticsearchAndSplunkNames) {
  EXPECT_TRUE(is_valid_index_pattern("logstash-2024.01.31"));
  EXPECT_TRUE(is_valid_index_pattern("logs-*"));
  EXPECT_TRUE(is_valid_index_pattern("*"));
  EXPECT_TRUE(is_valid_index_pattern(std::string(255, 'a')));
  EXPECT_FALSE(is_valid_index_pattern(std::string(256, 'a')));
  EXPECT_FALSE(is_valid_index_pattern(""));
  EXPECT_FALSE(is_valid_index_pattern("web logs"));
  EXPECT_FALSE(is_valid_index_pattern("a/b"));
  EXPECT_FALSE(is_valid_index_pattern("a,b"));
  EXPECT_FALSE(is_valid_index_pattern("a#b"));
  EXPECT_FALSE(is_valid_index_pattern("tab\there"));
}

TEST(LoaderTest, EscapedPlaceholderStaysLiteral) {
  const Config config = parse_ok("data_dir: /srv/$${HOME}/data\n");
  EXPECT_EQ(config.data_dir, fs::path("/srv/${HOME}/data"));
  EXPECT_TRUE(config.secret_keys.empty());
}

TEST(LoaderTest, RecordsWhichValuesCameFromTheEnvironment) {
  const MapEnvironment env({{"RET", "3d"}, {"ADDR", "127.0.0.1:1"}});
  const Config config = parse_ok(R"(
data_dir: ${NOT_SET:-./data}
listen: {http: "${ADDR}"}
topic_defaults: {retention: "${RET}"}
topics:
  ENTRY: {}
  OK: {retention: 1d}
)",
                                 env);
  EXPECT_TRUE(config.secret_keys.empty());  // only a written default was used
  EXPECT_EQ(config.listen.secret_keys, std::set<std::string>{"http"});
  EXPECT_EQ(config.topic_defaults.secret_keys, std::set<std::string>{"retention"});
  EXPECT_EQ(config.topics.at("ENTRY").secret_keys, std::set<std::string>{"retention"});
  EXPECT_TRUE(config.topics.at("OK").secret_keys.empty());
}

TEST(LoaderTest, RelativeDataDirResolvesAgainstTheConfigFolder) {
  EXPECT_EQ(parse_ok("data_dir: ./data\n", kNoEnv, "examples/alarms/caudal.yaml").data_dir,
            fs::path("examples/alarms/data"));
  EXPECT_EQ(parse_ok("data_dir: ../state\n", kNoEnv, "etc/caudal/caudal.yaml").data_dir,
            fs::path("etc/state"));
  EXPECT_EQ(parse_ok("data_dir: data\n", kNoEnv, "caudal.yaml").data_dir, fs::path("data"));
  EXPECT_EQ(parse_ok("data_dir: /abs/data\n", kNoEnv, "etc/caudal.yaml").data_dir,
            fs::path("/abs/data"));
}

TEST(LoaderTest, AliasesThatExpandWithoutBoundAreRefused) {
  Result<Config> loop = parse_config("data_dir: d\nlisten: &x [*x]\n", "caudal.yaml", kNoEnv);
  ASSERT_FALSE(loop.ok());
  EXPECT_THAT(loop.status().message(),
              testing::StartsWith("caudal.yaml:2:9: listen[0][0][0][0]"));
  EXPECT_THAT(loop.status().message(),
              testing::HasSubstr(": expected at most 100000 values nested at most 64 deep, found "
                                 "more (an alias that refers to itself or expands too far?)"));

  // Nine levels of ten aliases: a billion values if expanded.
  std::string laughs = "data_dir: d\nx0: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int i = 1; i <= 9; ++i) {
    laughs += fmt::format("x{}: &l{} [", i, i);
    for (int j = 0; j < 10; ++j) laughs += fmt::format("{}*l{}", j == 0 ? "" : ", ", i - 1);
    laughs += "]\n";
  }
  Result<Config> bomb = parse_config(laughs, "caudal.yaml", kNoEnv);
  ASSERT_FALSE(bomb.ok());
  EXPECT_THAT(bomb.status().message(), testing::HasSubstr("expected at most 100000 values"));
}

TEST(LoaderTest, ArbitraryBytesNeverCrashOrThrow) {
  // Mutations of a valid file: every result is either a Config or an error message with a
  // position, never a crash or an exception.
  const std::string valid =
      "data_dir: ./data\nlisten: {http: 127.0.0.1:8080}\ntopics:\n  ENTRY: {partitions: 4, "
      "retention: 8d, flush: interval(1s)}\n";
  std::mt19937 random(20240611);
  const std::string alphabet = "{}[]:,-?&*!|>'\"%@`#$\\ \t\na0.";
  for (int round = 0; round < 2000; ++round) {
    std::string text = valid;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = random() % text.size();
      text[at] = alphabet[random() % alphabet.size()];
    }
    Result<Config> result = parse_config(text, "caudal.yaml", kNoEnv);
    if (!result.ok()) {
      EXPECT_THAT(result.status().message(), testing::StartsWith("caudal.yaml")) << text;
    }
  }
}

class LoadFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("caudal_config_test_" + std::to_string(::getpid()) + "_" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, std::string_view text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }

  fs::path dir_;
};

TEST_F(LoadFileTest, ResolvesDataDirToAnAbsolutePathBesideTheFile) {
  const fs::path path = write("caudal.yaml", "data_dir: ./data\n");
  Result<Config> config = load_config_file(path, kNoEnv);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->source_file, path);
  EXPECT_EQ(config->data_dir, dir_ / "data");
  EXPECT_TRUE(config->data_dir.is_absolute());
}

TEST_F(LoadFileTest, MessagesNameTheFileAsGiven) {
  const fs::path path = write("bad.yaml", "data_dir: ./data\nlisten: {htp: 127.0.0.1:1}\n");
  Result<Config> config = load_config_file(path, kNoEnv);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), make_error_code(Errc::kInvalid));
  EXPECT_EQ(config.status().message(),
            path.string() + ":2:10: listen.htp: unknown key, did you mean 'http'?");
}

TEST_F(LoadFileTest, MissingFileIsNotFoundAndADirectoryIsAnIoError) {
  Result<Config> missing = load_config_file(dir_ / "nope.yaml", kNoEnv);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), make_error_code(Errc::kNotFound));
  EXPECT_EQ(missing.status().message(), (dir_ / "nope.yaml").string() + ": no such file");

  Result<Config> directory = load_config_file(dir_, kNoEnv);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), make_error_code(Errc::kIo));
  EXPECT_EQ(directory.status().message(), dir_.string() + ": cannot read: not a regular file");
}

TEST(ExampleConfigTest, AlarmsExampleLoads) {
  const fs::path path = fs::path(CAUDAL_SOURCE_ROOT) / "examples/alarms/caudal.yaml";
  Result<Config> config = load_config_file(path, kNoEnv);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->data_dir, path.parent_path() / "data");
  EXPECT_EQ(config->listen.http->to_string(), "127.0.0.1:8080");
  EXPECT_EQ(config->listen.kafka->to_string(), "127.0.0.1:9092");
  ASSERT_EQ(config->topics.size(), 4u);
  const TopicConfig& entry = config->topics.at("ENTRY");
  EXPECT_EQ(entry.partitions, 4);
  EXPECT_EQ(entry.retention, hours(8 * 24));
  EXPECT_EQ(entry.retention_bytes, 10ull << 30);
  EXPECT_EQ(config->topics.count("OK"), 1u);
  EXPECT_EQ(config->topics.count("COUNT"), 1u);
  EXPECT_EQ(config->topics.count("RECOVERED"), 1u);
}

TEST(LoaderTest, ElasticsearchListenerDefaultsToPort9200OnlyWithIndexes) {
  const Config with_indexes = parse_ok("data_dir: d\nindexes: {web: {topic: weblogs}}\n");
  EXPECT_EQ(with_indexes.listen.elasticsearch, kDefaultElasticsearch);
  EXPECT_EQ(with_indexes.listen.elasticsearch->to_string(), "127.0.0.1:9200");
  EXPECT_FALSE(with_indexes.listen.elasticsearch_setting.has_value());

  const Config without = parse_ok("data_dir: d\nlisten: {http: 127.0.0.1:0}\n");
  EXPECT_FALSE(without.listen.elasticsearch.has_value());

  const Config off =
      parse_ok("data_dir: d\nlisten: {elasticsearch: off}\nindexes: {web: {topic: weblogs}}\n");
  EXPECT_FALSE(off.listen.elasticsearch.has_value());
  EXPECT_EQ(off.listen.elasticsearch_setting, ListenerSetting{});

  const Config given = parse_ok(
      "data_dir: d\nlisten: {elasticsearch: 127.0.0.1:0}\nindexes: {web: {topic: weblogs}}\n");
  EXPECT_EQ(given.listen.elasticsearch->port, 0);
}

TEST(TopicNameTest, FollowsKafkasRule) {
  EXPECT_TRUE(is_valid_topic_name("ENTRY"));
  EXPECT_TRUE(is_valid_topic_name("sensor.readings-v2_eu"));
  EXPECT_TRUE(is_valid_topic_name(std::string(249, 'a')));
  EXPECT_FALSE(is_valid_topic_name(std::string(250, 'a')));
  EXPECT_FALSE(is_valid_topic_name(""));
  EXPECT_FALSE(is_valid_topic_name("."));
  EXPECT_FALSE(is_valid_topic_name(".."));
  EXPECT_TRUE(is_valid_topic_name("..."));
  EXPECT_FALSE(is_valid_topic_name("a/b"));
  EXPECT_FALSE(is_valid_topic_name("a b"));
}

}  // namespace
}  // namespace caudal::config
