#include "pipeline/dry_run.h"

#include "pipeline/batch_output.h"
#include "pipeline/event/json.h"

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
    append_json_escaped(*key, line);
    line.append("\",\"value\":");
    line.append(batch.value(i));
    line.push_back('}');
    out.records.push_back(std::move(line));
  }
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
  const std::string_view topic =
      definition.sources.empty() ? std::string_view("stdin") : std::string_view(definition.sources[0]);
  int64_t offset = 0;
  std::string line;
  bool more = true;
  while (more) {
    batch.clear();
    batch.set_processing_time(now_nanos);
    output.reset();
    size_t read = 0;
    while (read < definition.batch_size && (more = static_cast<bool>(std::getline(input, line)))) {
      const int64_t this_offset = offset++;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      SourcePosition position;
      position.topic = topic;
      position.offset = log::Offset(this_offset);
      Result<uint32_t> added = batch.append_json(line, position);
      if (!added.ok()) output.add_undecodable(position, line, added.status().message());
      ++read;
    }
    if (read == 0) break;
    definition.run(batch, outcome, counts);
    output.build(batch, outcome);
    for (size_t s = 0; s < output.sinks().size(); ++s) capture(*output.sinks()[s], out.sinks[s]);
    capture(*output.dead_letters(), out.dead_letters);
  }
  return out;
}

}  // namespace caudal::pipeline
