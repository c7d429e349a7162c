// Where the event was read from: source_topic(), source_partition(), source_offset() and
// source_timestamp(), so conditions can tell the events of a pipeline's topics apart (seed 004:
// an event of the OK topic clears the sensor's alarm). Not pure: never folded at load time,
// where there is no event (they are then missing).
#include "pipeline/event/event.h"
#include "pipeline/expr/functions.h"

namespace caudal::pipeline {
namespace {

bool source_topic(const ExprNode&, const Value*, EvalContext& ctx, Value& out) {
  out = ctx.event == nullptr ? Value::missing() : Value::string(ctx.event->source().topic);
  return true;
}

bool source_partition(const ExprNode&, const Value*, EvalContext& ctx, Value& out) {
  out = ctx.event == nullptr ? Value::missing()
                             : Value::integer(ctx.event->source().partition.value());
  return true;
}

// -1 for an event that was not read from a log (one a step emitted, or a dry run's line
// before any offset): missing, so arithmetic on it fails instead of computing with -1.
bool source_offset(const ExprNode&, const Value*, EvalContext& ctx, Value& out) {
  const int64_t offset = ctx.event == nullptr ? -1 : ctx.event->source().offset.value();
  out = offset < 0 ? Value::missing() : Value::integer(offset);
  return true;
}

// The record's timestamp, as a timestamp; missing when the record had none.
bool source_timestamp(const ExprNode&, const Value*, EvalContext& ctx, Value& out) {
  const int64_t millis = ctx.event == nullptr ? -1 : ctx.event->source().timestamp_ms;
  out = millis < 0 ? Value::missing() : Value::timestamp(millis * 1'000'000);
  return true;
}

using P = Param;

const FunctionSpec kSourceFunctions[] = {
    {"source_topic", 0, 0, {P::kAny}, ValueKind::kString, false, CallStyle::kEager, nullptr,
     source_topic},
    {"source_partition", 0, 0, {P::kAny}, ValueKind::kInt, false, CallStyle::kEager, nullptr,
     source_partition},
    {"source_offset", 0, 0, {P::kAny}, ValueKind::kInt, false, CallStyle::kEager, nullptr,
     source_offset},
    {"source_timestamp", 0, 0, {P::kAny}, ValueKind::kTimestamp, false, CallStyle::kEager,
     nullptr, source_timestamp},
};

}  // namespace

std::span<const FunctionSpec> source_functions() { return kSourceFunctions; }

}  // namespace caudal::pipeline
