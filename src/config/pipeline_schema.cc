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

}  // namespace

const ObjectSchema<PipelineConfig>& pipeline_schema() {
  static const ObjectSchema<PipelineConfig> schema = [] {
    ObjectSchema<PipelineConfig> s;
    s.tree("from", &PipelineConfig::from, "the topic, or list of topics, the pipeline reads",
           Presence::kRequired);
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
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
