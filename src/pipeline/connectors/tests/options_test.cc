// Connector entries of `to:` compiled with the pipeline: defaults, and positioned errors.
#include <gtest/gtest.h>

#include "config/config.h"
#include "pipeline/connectors/connector.h"
#include "pipeline/connectors/delivery_sink.h"
#include "pipeline/definition.h"

namespace caudal::pipeline::connectors {
namespace {

Result<std::unique_ptr<PipelineDefinition>> compile(const std::string& to) {
  const std::string yaml = "data_dir: d\npipelines:\n  p:\n    from: ENTRY\n    to:\n" + to;
  auto config = config::parse_config(yaml, "caudal.yaml", config::MapEnvironment());
  EXPECT_TRUE(config.ok()) << config.status().message();
  return compile_pipeline(*config, "p", nullptr);
}

Result<std::unique_ptr<PipelineDefinition>> compile_from(const std::string& from) {
  const std::string yaml = "data_dir: d\npipelines:\n  p:\n    from: " + from + "\n    to: OUT\n";
  auto config = config::parse_config(yaml, "caudal.yaml", config::MapEnvironment());
  EXPECT_TRUE(config.ok()) << config.status().message();
  return compile_pipeline(*config, "p", nullptr);
}

TEST(ConnectorOptionsTest, ARemoteKafkaSourceNamesItsTopicsAsTheSources) {
  auto definition = compile_from(
      "{kafka: {brokers: 'h:9092', group: g, topics: [a, b], properties: {session.timeout.ms: '6000'}}}");
  ASSERT_TRUE(definition.ok()) << definition.status().message();
  ASSERT_TRUE((*definition)->remote.has_value());
  EXPECT_EQ((*definition)->remote->group, "g");
  EXPECT_EQ((*definition)->sources, (std::vector<std::string>{"a", "b"}));
}

TEST(ConnectorOptionsTest, AMisspeltPropertyOfARemoteSourceIsRefusedWhenThePipelineCompiles) {
  auto definition = compile_from("{kafka: {brokers: 'h:9092', group: g, topics: a, properties: {securty.protocol: ssl}}}");
  ASSERT_FALSE(definition.ok());
  EXPECT_EQ(definition.status().message(),
            "caudal.yaml:4:11: pipelines.p.from.kafka: properties: securty.protocol: No such configuration property: "
            "\"securty.protocol\"");
}

TEST(ConnectorOptionsTest, DefaultsAreFilledIn) {
  auto definition = compile("      - webhook: { url: \"http://h/{id}\" }\n      - stdout\n");
  ASSERT_TRUE(definition.ok()) << definition.status().message();
  const SinkSpec& spec = (*definition)->sinks[0];
  ASSERT_EQ(spec.kind, SinkSpec::Kind::kConnector);
  EXPECT_EQ(spec.label(), "webhook");
  EXPECT_EQ(spec.options->text("method"), "POST");
  EXPECT_EQ(spec.options->duration("timeout"), std::chrono::seconds(10));
  const DeliverySettings settings = delivery_settings(*spec.options);
  EXPECT_EQ(settings.batch_records, 1u);
  EXPECT_EQ(settings.queue_records, 10000u);
  EXPECT_EQ(settings.max_attempts, 0u);
  EXPECT_EQ((*definition)->sinks[1].label(), "stdout");
}

TEST(ConnectorOptionsTest, NamedSinksHaveTheirNameInTheLabel) {
  auto definition = compile("      - webhook: { url: \"http://a\", name: alerts }\n      - webhook: { url: \"http://b\" }\n");
  ASSERT_TRUE(definition.ok()) << definition.status().message();
  EXPECT_EQ((*definition)->sinks[0].label(), "webhook.alerts");
  EXPECT_EQ((*definition)->sinks[1].label(), "webhook");
}

TEST(ConnectorOptionsTest, EveryProblemIsReportedWithItsPosition) {
  auto definition = compile(
      "      - webhook: { urll: \"http://a\", method: GET, timeout: soon, headers: { X: \"{a\" } }\n");
  ASSERT_FALSE(definition.ok());
  const std::string message(definition.status().message());
  EXPECT_NE(message.find("caudal.yaml:6:20: pipelines.p.to[0].webhook.urll: unknown option, did you mean 'url'?"),
            std::string::npos) << message;
  EXPECT_NE(message.find("pipelines.p.to[0].webhook.method: expected one of POST, PUT, found 'GET'"), std::string::npos)
      << message;
  EXPECT_NE(message.find("pipelines.p.to[0].webhook.timeout: expected a duration"), std::string::npos) << message;
  EXPECT_NE(message.find("pipelines.p.to[0].webhook.headers.X: character 1: '{' without its '}'"), std::string::npos)
      << message;
  EXPECT_NE(message.find("pipelines.p.to[0].webhook.url: missing option: the URL"), std::string::npos) << message;
}

TEST(ConnectorOptionsTest, TwoSinksOfOneConnectorNeedDifferentNames) {
  auto definition = compile("      - webhook: { url: \"http://a\" }\n      - webhook: { url: \"http://b\" }\n");
  ASSERT_FALSE(definition.ok());
  EXPECT_NE(definition.status().message().find("a second webhook sink named 'webhook': give each a different `name:`"),
            std::string::npos) << definition.status().message();
}

}  // namespace
}  // namespace caudal::pipeline::connectors
