#include <algorithm>

#include <fmt/format.h>

#include "config/errc.h"
#include "config/schemas.h"

namespace caudal::config {
namespace {

// One of two words, as written: `start` and `order`.
ValueType<std::string> either_type(std::string_view first, std::string_view second) {
  ValueType<std::string> type;
  type.expected = fmt::format("expected {} or {}", first, second);
  type.parse = [first, second, expected = type.expected](std::string_view text) -> Result<std::string> {
    if (text == first || text == second) return std::string(text);
    return Status(Errc::kInvalid, expected);
  };
  type.format = [](const std::string& value) { return value; };
  return type;
}

// `topics` of a remote source: a topic name or a non-empty list of them, each once.
void read_topics(const Node& value, const std::string& path, KafkaSourceConfig& out, Diagnostics& diags) {
  if (value.invalid) return;
  if (value.kind == Node::Kind::kScalar) {
    if (std::optional<std::string> topic = parse_scalar(topic_name_type(), value, path, diags)) {
      out.topics = {std::move(*topic)};
    }
    return;
  }
  if (value.kind != Node::Kind::kList || value.items.empty()) {
    diags.error(value.position, path,
                fmt::format("expected a topic name or a list of them, found {}",
                            value.kind == Node::Kind::kList ? "an empty list" : value.describe()));
    return;
  }
  std::vector<std::string> topics;
  for (size_t i = 0; i < value.items.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", path, i);
    std::optional<std::string> topic = parse_scalar(topic_name_type(), value.items[i], item_path, diags);
    if (!topic.has_value()) continue;
    if (std::find(topics.begin(), topics.end(), *topic) != topics.end()) {
      diags.error(value.items[i].position, item_path, fmt::format("topic '{}' is listed twice", *topic));
      continue;
    }
    topics.push_back(std::move(*topic));
  }
  out.topics = std::move(topics);
}

Node topics_node(const KafkaSourceConfig& in) {
  Node list;
  list.kind = Node::Kind::kList;
  for (const std::string& topic : in.topics) {
    Node item;
    item.kind = Node::Kind::kScalar;
    item.text = topic;
    list.items.push_back(std::move(item));
  }
  return list;
}

const ObjectSchema<KafkaSourceConfig>& kafka_source_schema() {
  static const ObjectSchema<KafkaSourceConfig> schema = [] {
    ObjectSchema<KafkaSourceConfig> s;
    s.scalar("brokers", &KafkaSourceConfig::brokers, text_type("bootstrap servers such as 'kafka1:9092,kafka2:9092'"),
             "the remote cluster's bootstrap servers, host:port separated by commas", Presence::kRequired);
    s.scalar("group", &KafkaSourceConfig::group, text_type("a consumer group id"),
             "the consumer group: its committed offsets are the pipeline's progress on the remote topics",
             Presence::kRequired);
    s.shaped("topics", "the remote topic, or list of topics, the pipeline reads", Presence::kRequired, nullptr,
             read_topics, topics_node);
    s.scalar_map("properties", &KafkaSourceConfig::properties,
                 MapKeys{
                     .expected = "expected a map of librdkafka property names to values",
                     .expected_key = "expected a librdkafka property name",
                     .valid_key = [](std::string_view name) { return !name.empty(); },
                 },
                 text_type("a value"), "librdkafka consumer properties passed through (TLS, SASL, timeouts)");
    return s;
  }();
  return schema;
}

const ObjectSchema<RemoteSourceConfig>& remote_source_schema() {
  static const ObjectSchema<RemoteSourceConfig> schema = [] {
    ObjectSchema<RemoteSourceConfig> s;
    s.object("kafka", &RemoteSourceConfig::kafka, kafka_source_schema(),
             "topics of a remote Kafka cluster (or another Caudal), read with a consumer group");
    return s;
  }();
  return schema;
}

// `from`: a topic name or a list of them (kept as written, for the pipeline module to check),
// or a map naming a remote source (read here).
void read_from(const Node& value, const std::string& path, PipelineConfig& out, Diagnostics& diags) {
  out.from = value;
  out.remote.reset();
  if (value.invalid || value.kind != Node::Kind::kMap) return;
  if (value.entries.empty()) {
    diags.error(value.position, path, "expected a topic, a list of topics or a remote source such as {kafka: {...}}, found an empty map");
    return;
  }
  RemoteSourceConfig remote;
  const size_t errors_before = diags.count();
  remote_source_schema().parse(value, path, remote, diags);
  if (diags.count() == errors_before) out.remote = std::move(remote);
}

Node from_node(const PipelineConfig& in) {
  return in.remote.has_value() ? remote_source_schema().emit(*in.remote) : in.from;
}

// A remote source is read as its records arrive: `order: time` waits for caught-up local
// partitions, which a remote cluster cannot promise.
void check_remote_order(const Node& object, const std::string& path, const PipelineConfig& pipeline,
                        Diagnostics& diags) {
  if (pipeline.remote.has_value() && pipeline.order == "time") {
    diags.error(position_of(object, "order"), child_path(path, "order"),
                "expected arrival for a remote source: time order needs local topics, whose high "
                "watermarks say when a partition is caught up");
  }
}

}  // namespace

const ObjectSchema<PipelineConfig>& pipeline_schema() {
  static const ObjectSchema<PipelineConfig> schema = [] {
    ObjectSchema<PipelineConfig> s;
    s.shaped("from", "the topic, or list of topics, the pipeline reads, or a remote source: {kafka: {...}}",
             Presence::kRequired, &remote_source_schema(), read_from, from_node);
    s.scalar("start", &PipelineConfig::start, either_type("earliest", "latest"),
             "where a pipeline with no committed offsets begins: earliest or latest");
    s.optional("dead_letter", &PipelineConfig::dead_letter, topic_name_type(),
               "the topic for events a step cannot process, with the reason");
    s.tree("steps", &PipelineConfig::steps, "what is done to each event, in order");
    s.tree("to", &PipelineConfig::to,
           "the sink, or list of sinks, that receive the events that pass every step");
    s.scalar("batch_size", &PipelineConfig::batch_size, integer_type(1, 65536),
             "events read and processed together, at most");
    s.scalar("max_in_flight", &PipelineConfig::max_in_flight, integer_type(1, 1 << 24),
             "events handed to sinks and not yet acknowledged, at most");
    s.scalar("commit_interval", &PipelineConfig::commit_interval,
             duration_type(std::chrono::milliseconds(1)),
             "how often the offsets of acknowledged events are committed");
    s.scalar("checkpoint_interval", &PipelineConfig::checkpoint_interval,
             duration_type(std::chrono::milliseconds(10)),
             "how often a stateful pipeline checkpoints its keyed state with its source offsets");
    s.scalar("order", &PipelineConfig::order, either_type("arrival", "time"),
             "the order of the records of the source partitions: arrival (as read) or time (by record "
             "timestamp across all of them)");
    s.check(check_remote_order);
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
