#include "pipeline/dry_run.h"

#include <sstream>

#include <fmt/format.h>

#include "pipeline/batch_output.h"
#include "pipeline/event/json.h"
#include "pipeline/event/timestamp.h"

namespace caudal::pipeline {
namespace {

void capture(const SinkBatch& batch, CapturedSink& out) {
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::optional<std::string_view> key = batch.key(i);
    if (!key.has_value()) {
      out.records.emplace_back(batch.value(i));
      continue;
    }
    std::string line = "{\"key\":\"";
    append_json_escaped(line, *key);
    line.append("\",\"value\":");
    line.append(batch.value(i));
    line.push_back('}');
    out.records.push_back(std::move(line));
  }
}

// Where the next records come from; directives change it.
struct Origin {
  std::string topic;
  int32_t partition = 0;
  int64_t timestamp_ms = -1;
  int64_t now_nanos = 0;
};

// Applies `# name=value ...`; an error message when a part is malformed.
std::optional<std::string> apply_directive(std::string_view text, Origin& origin) {
  std::istringstream words{std::string(text)};
  std::string word;
  while (words >> word) {
    const size_t eq = word.find('=');
    const std::string name = word.substr(0, eq);
    const std::string value = eq == std::string::npos ? std::string() : word.substr(eq + 1);
    if (name == "topic" && !value.empty()) {
      origin.topic = value;
    } else if (name == "partition" && !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
               value.size() < 10) {
      origin.partition = std::stoi(value);
    } else if (name == "timestamp" && value == "none") {
      origin.timestamp_ms = -1;
    } else if (name == "timestamp" || name == "now") {
      Result<int64_t> nanos = parse_iso8601(value);
      if (!nanos.ok()) return fmt::format("{}: {}", name, nanos.status().message());
      if (name == "now") {
        origin.now_nanos = *nanos;
      } else {
        origin.timestamp_ms = *nanos / 1'000'000;
      }
    } else {
      return fmt::format("unknown directive '{}': expected topic=, partition=, timestamp=, now= or tick", word);
    }
  }
  return std::nullopt;
}

}  // namespace

DryRunOutput dry_run(const PipelineDefinition& definition, std::istream& input, int64_t now_nanos) {
  DryRunOutput out;
  for (const SinkSpec& spec : definition.sinks) out.sinks.push_back(CapturedSink{spec.label(), {}});
  out.dead_letters.label = "dead_letter";
  EventBatch batch;
  batch.set_projection(&definition.projection);
  BatchOutcome outcome;
  BatchOutput output(definition);
  std::vector<StepCounts> counts(definition.steps.size());
  Origin origin;
  origin.topic = definition.sources.empty() ? std::string("stdin") : definition.sources[0];
  origin.now_nanos = now_nanos;
  // Topic names the events point to outlive every batch.
  std::vector<std::unique_ptr<std::string>> topics;
  auto topic_view = [&topics](const std::string& name) -> std::string_view {
    for (const std::unique_ptr<std::string>& topic : topics) {
      if (*topic == name) return *topic;
    }
    topics.push_back(std::make_unique<std::string>(name));
    return *topics.back();
  };
  int64_t offset = 0;
  std::string line;
  bool more = true;
  auto run_batch = [&] {
    definition.run(batch, outcome, counts);
    output.build(batch, outcome);
    for (size_t s = 0; s < output.sinks().size(); ++s) capture(*output.sinks()[s], out.sinks[s]);
    capture(*output.dead_letters(), out.dead_letters);
  };
  while (more) {
    batch.clear();
    batch.set_processing_time(origin.now_nanos);
    output.reset();
    size_t read = 0;
    std::optional<std::string> directive;
    while (read < definition.batch_size && (more = static_cast<bool>(std::getline(input, line)))) {
      const int64_t this_offset = offset++;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      if (line[0] == '#') {
        directive = line.substr(1);
        break;
      }
      SourcePosition position;
      position.topic = topic_view(origin.topic);
      position.partition = log::PartitionId(origin.partition);
      position.offset = log::Offset(this_offset);
      position.timestamp_ms = origin.timestamp_ms;
      Result<uint32_t> added = batch.append_json(line, position);
      if (!added.ok()) output.add_undecodable(position, line, added.status().message());
      ++read;
    }
    if (read > 0) run_batch();
    if (!directive.has_value()) continue;
    const std::string_view text = std::string_view(*directive).substr(
        std::min(directive->size(), directive->find_first_not_of(" \t")));
    if (text.rfind("tick", 0) == 0 && text.find_first_not_of(" \t\r", 4) == std::string_view::npos) {
      batch.clear();
      output.reset();
      run_batch();
      continue;
    }
    if (std::optional<std::string> error = apply_directive(text, origin)) {
      out.error = fmt::format("line {}: {}", offset, *error);
      return out;
    }
  }
  return out;
}

}  // namespace caudal::pipeline
