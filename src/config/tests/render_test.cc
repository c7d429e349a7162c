#include <gtest/gtest.h>

#include "config/config.h"

namespace caudal::config {
namespace {

Config parse_ok(std::string_view text, const Environment& env) {
  Result<Config> result = parse_config(text, "/etc/caudal/caudal.yaml", env);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? std::move(result).value() : Config{};
}

TEST(RenderTest, WritesEveryEffectiveKeyInDeclarationOrder) {
  const Config config = parse_ok(R"y(
topics:
  ENTRY: {partitions: 4, retention: 8d, retention_bytes: 10GiB}
listen: {kafka: "[::1]:9092", http: 127.0.0.1:8080}
data_dir: /srv/data
)y",
                                 MapEnvironment());
  EXPECT_EQ(
      render_redacted(config),
      R"y(# Effective configuration read from /etc/caudal/caudal.yaml; values taken from the environment are shown as ***.
data_dir: /srv/data
listen:
  http: 127.0.0.1:8080
  kafka: "[::1]:9092"
http:
  max_body_bytes: 64MiB
  max_header_bytes: 64KiB
  header_timeout: 10s
  idle_timeout: 1m
  bulk:
    indexes: {}
  hec:
    tokens: {}
    indexes: {}
auto_create_topics: true
topic_defaults:
  partitions: 1
  retention: forever
  retention_bytes: unlimited
  segment_bytes: 1GiB
  segment_age: never
  max_message_bytes: 1MiB
  flush: none
  enrich:
    received_at: false
    event_id: false
    client_address: false
    host: false
topics:
  ENTRY:
    partitions: 4
    retention: 8d
    retention_bytes: 10GiB
    segment_bytes: 1GiB
    segment_age: never
    max_message_bytes: 1MiB
    flush: none
    enrich:
      received_at: false
      event_id: false
      client_address: false
      host: false
tables: {}
pipelines: {}
indexes: {}
)y");
}

TEST(RenderTest, OutputReadsBackToTheSameConfig) {
  const Config config = parse_ok(R"y(
data_dir: /srv/data
listen: {http: "localhost:0", elasticsearch: "[::]:9200"}
auto_create_topics: false
topic_defaults: {partitions: 3, flush: "interval(250ms)", segment_age: 2h}
topics:
  ENTRY: {retention: 8d, retention_bytes: 10GB, segment_bytes: 64MiB, max_message_bytes: 1000000}
  "sensor.v2-eu_1": {flush: always}
)y",
                                 MapEnvironment());
  const std::string rendered = render_redacted(config);
  const Config again = parse_ok(rendered, MapEnvironment());
  EXPECT_EQ(render_redacted(again), rendered);
  EXPECT_EQ(again.listen.elasticsearch, config.listen.elasticsearch);
  EXPECT_EQ(again.topics.at("ENTRY").max_message_bytes, 1'000'000u);
  EXPECT_EQ(again.topics.at("sensor.v2-eu_1").segment_age, std::chrono::hours(2));
}

TEST(RenderTest, HttpSectionReadsBackAndHidesTokensFromTheEnvironment) {
  const MapEnvironment env(MapEnvironment::Variables{{"HEC_TOKEN", "s3cr3t-t0k3n"}});
  const Config config = parse_ok(R"y(
data_dir: /srv/data
http:
  max_body_bytes: 1MiB
  bulk: {indexes: {"logstash-*": logs}}
  hec:
    tokens: {shipper: {token: "${HEC_TOKEN}", topic: logs}}
    indexes: {main: logs}
topic_defaults: {enrich: {event_id: true}}
)y",
                                 env);
  const std::string rendered = render_redacted(config);
  EXPECT_EQ(rendered.find("s3cr3t"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("      token: \"***\"\n"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("    indexes:\n      logstash-*: logs\n"), std::string::npos) << rendered;
  // Without the secret, everything else reads back unchanged.
  const Config plain = parse_ok(R"y(
data_dir: /srv/data
http:
  bulk: {indexes: {"logstash-*": logs}}
  hec: {tokens: {shipper: {token: abc, topic: logs}}, indexes: {main: logs}}
topic_defaults: {enrich: {event_id: true}}
)y",
                                MapEnvironment());
  const std::string plain_rendered = render_redacted(plain);
  const Config again = parse_ok(plain_rendered, MapEnvironment());
  EXPECT_EQ(render_redacted(again), plain_rendered);
  EXPECT_EQ(again.http.hec.tokens.at("shipper").token, "abc");
  EXPECT_EQ(again.http.bulk.indexes.at("logstash-*"), "logs");
  EXPECT_TRUE(again.topic_defaults.enrich.event_id);
}

TEST(RenderTest, ValuesFromTheEnvironmentAreRedactedEvenWhenInherited) {
  const MapEnvironment env(
      {{"SECRET_DIR", "/home/alice/secret-project"}, {"ADDR", "10.9.8.7:8443"}, {"RET", "13d"}});
  const Config config = parse_ok(R"y(
data_dir: ${SECRET_DIR}
listen: {http: "${ADDR}", kafka: "${KAFKA_ADDR:-127.0.0.1:9092}"}
topic_defaults: {retention: "${RET}"}
topics:
  ENTRY: {}
  OK: {retention: 1d}
)y",
                                 env);
  const std::string rendered = render_redacted(config);
  EXPECT_EQ(rendered.find("alice"), std::string::npos) << rendered;
  EXPECT_EQ(rendered.find("10.9.8.7"), std::string::npos) << rendered;
  EXPECT_EQ(rendered.find("13d"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("data_dir: \"***\"\n"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("  http: \"***\"\n"), std::string::npos) << rendered;
  // A written default is not a secret.
  EXPECT_NE(rendered.find("  kafka: 127.0.0.1:9092\n"), std::string::npos) << rendered;
  // ENTRY inherits the secret retention; OK sets its own.
  EXPECT_NE(rendered.find("  ENTRY:\n    partitions: 1\n    retention: \"***\"\n"),
            std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("  OK:\n    partitions: 1\n    retention: 1d\n"), std::string::npos)
      << rendered;
}

}  // namespace
}  // namespace caudal::config
