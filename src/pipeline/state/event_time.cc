#include "pipeline/state/event_time.h"

#include <cmath>

#include <fmt/format.h>

#include "config/units.h"
#include "pipeline/event/timestamp.h"
#include "pipeline/errc.h"

namespace caudal::pipeline {

std::optional<EventTime> EventTime::build(StepOptions& options) {
  EventTime out;
  out.expression_ = options.expression("time", false);
  out.processing_ = options.boolean("processing_time").value_or(false);
  if (out.processing_ && out.expression_.has_value()) {
    const config::Node* node = options.node("processing_time", false);
    options.diags().error(node->position, options.child("processing_time"),
                          "give either time: (event time) or processing_time: true, not both");
  }
  if (!options.ok()) return std::nullopt;
  return out;
}

void EventTime::compute(EventBatch& batch, std::vector<int64_t>& times,
                        std::vector<EvalFailure>& failures) {
  const std::span<const uint32_t> selection = batch.selection();
  times.assign(selection.size(), batch.processing_time());
  if (processing_) return;
  if (!expression_.has_value()) {
    for (size_t k = 0; k < selection.size(); ++k) {
      const int64_t ms = batch.event(selection[k]).source().timestamp_ms;
      if (ms >= 0) times[k] = ms * 1'000'000;
    }
    return;
  }
  values_.clear();
  const size_t failed_before = failures.size();
  expression_->evaluate(batch, values_, failures);
  std::vector<bool> failed;
  if (failures.size() > failed_before) {
    failed.assign(batch.size(), false);
    for (size_t f = failed_before; f < failures.size(); ++f) failed[failures[f].event] = true;
  }
  for (size_t k = 0; k < selection.size(); ++k) {
    if (!failed.empty() && failed[selection[k]]) continue;
    const Value value = values_[k];
    switch (value.kind()) {
      case ValueKind::kTimestamp: times[k] = value.as_timestamp(); continue;
      case ValueKind::kInt: times[k] = value.as_int() * 1'000'000; continue;
      case ValueKind::kDouble:
        if (std::isfinite(value.as_double()) && std::fabs(value.as_double()) < 9e12) {
          times[k] = static_cast<int64_t>(value.as_double() * 1e6);
          continue;
        }
        break;
      case ValueKind::kString: {
        Result<int64_t> parsed = parse_iso8601(value.as_string());
        if (parsed.ok()) {
          times[k] = *parsed;
          continue;
        }
        failures.push_back(EvalFailure{
            selection[k], Status(PipelineErrc::kEventFailed,
                                 fmt::format("time: {}: {}", expression_->text(), parsed.status().message()))});
        continue;
      }
      default: break;
    }
    times[k] = 0;
    failures.push_back(EvalFailure{
        selection[k],
        Status(PipelineErrc::kEventFailed,
               fmt::format("time: {} is {}, expected a timestamp, epoch milliseconds or an "
                           "ISO-8601 string",
                           expression_->text(), kind_name(value.kind())))});
  }
}

std::optional<Duration> duration_option(StepOptions& options, std::string_view key, bool required,
                                        bool allow_zero) {
  const config::Node* node = options.node(key, required);
  if (node == nullptr) return std::nullopt;
  Result<Duration> parsed = node->kind == config::Node::Kind::kScalar
                                ? config::parse_duration(node->text)
                                : Result<Duration>(Status(PipelineErrc::kInvalidDefinition, ""));
  if (!parsed.ok() || (*parsed <= Duration(0) && !(allow_zero && *parsed == Duration(0)))) {
    options.diags().error(node->position, options.child(key),
                          fmt::format("expected a {}duration such as 500ms, 30s or 10m, found {}",
                                      allow_zero ? "" : "positive ", node->describe()));
    return std::nullopt;
  }
  return *parsed;
}

}  // namespace caudal::pipeline
