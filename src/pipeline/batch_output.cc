#include "pipeline/batch_output.h"

#include <fmt/format.h>

#include "pipeline/dead_letter.h"
#include "pipeline/event/json.h"

namespace caudal::pipeline {

void BatchOutput::reset() {
  sinks_.clear();
  for (size_t i = 0; i < definition_.sinks.size(); ++i) sinks_.push_back(std::make_shared<SinkBatch>());
  dead_letters_ = std::make_shared<SinkBatch>();
}

void BatchOutput::add_dead_letter(const Event& event, std::string_view reason,
                                  const DeadLetter* step, std::string_view sink) {
  DeadLetterEnvelope envelope;
  envelope.pipeline = definition_.name;
  envelope.reason = reason;
  if (step != nullptr) {
    envelope.step_index = step->step;
    envelope.step_name = definition_.step_names[step->step];
  }
  envelope.sink = sink;
  envelope.source = event.source();
  envelope.event_json = event.original();
  std::string& out = dead_letters_->buffer();
  const size_t begin = out.size();
  write_dead_letter(envelope, out);
  dead_letters_->finish_record(begin, event.source().key, event.source().timestamp_ms);
}

void BatchOutput::add_undecodable(const SourcePosition& source, std::string_view bytes,
                                  std::string_view reason) {
  DeadLetterEnvelope envelope;
  envelope.pipeline = definition_.name;
  envelope.reason = reason;
  envelope.source = source;
  envelope.raw = bytes;
  std::string& out = dead_letters_->buffer();
  const size_t begin = out.size();
  write_dead_letter(envelope, out);
  dead_letters_->finish_record(begin, source.key, source.timestamp_ms);
}

void BatchOutput::build(EventBatch& batch, const BatchOutcome& outcome) {
  for (const DeadLetter& dead : outcome.dead_letters()) {
    add_dead_letter(batch.event(dead.event), dead.reason, &dead, {});
  }
  record_bytes_.resize(definition_.sinks.size(), 0);
  for (size_t s = 0; s < definition_.sinks.size(); ++s) {
    const SinkSpec& spec = definition_.sinks[s];
    SinkBatch& out = *sinks_[s];
    const std::vector<uint32_t>& events = outcome.events_for(SinkId(static_cast<uint32_t>(s)));
    // A quarter more than the last batch's records took, for the spread between batches.
    out.buffer().reserve(out.bytes() + events.size() * record_bytes_[s] * 5 / 4);
    const size_t bytes_before = out.bytes();
    for (uint32_t index : events) {
      const Event& event = batch.event(index);
      std::optional<std::string_view> key;
      if (spec.key.has_value()) {
        Result<Value> value = spec.key->evaluate(batch, index);
        if (!value.ok()) {
          add_dead_letter(event, fmt::format("key of sink {}: {}", spec.label(), value.status().message()),
                          nullptr, spec.label());
          continue;
        }
        if (value->is_null()) {
          if (spec.kind == SinkSpec::Kind::kTable) {
            add_dead_letter(event, fmt::format("key of sink {}: '{}' is {}", spec.label(),
                                               spec.key->text(), kind_name(value->kind())),
                            nullptr, spec.label());
            continue;
          }
        } else {
          key_.clear();
          if (value->is_string()) {
            key_.append(value->as_string());
          } else {
            write_json(*value, key_);
          }
          key = key_;
        }
      }
      std::string& bytes = out.buffer();
      const size_t begin = bytes.size();
      event.write_json(bytes);
      out.finish_record(begin, key, event.source());
    }
    if (!events.empty()) record_bytes_[s] = (out.bytes() - bytes_before) / events.size();
  }
}

}  // namespace caudal::pipeline
