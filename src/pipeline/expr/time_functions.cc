// Time functions: now(), parse_time(value, format), format_time(timestamp, format). Formats
// are literals compiled once at load (time_format.h).
#include <fmt/format.h>

#include "pipeline/event/arena.h"
#include "pipeline/expr/functions.h"
#include "pipeline/expr/time_format.h"

namespace caudal::pipeline {
namespace {

bool now(const ExprNode&, const Value*, EvalContext& ctx, Value& out) {
  out = Value::timestamp(ctx.now);
  return true;
}

std::string prepare_format(ExprNode& call) {
  auto format = TimeFormat::compile(call.children[1]->constant.as_string());
  if (!format.ok()) return fmt::format("{}(): {}", call.function->name, format.status().message());
  call.time_format = std::make_unique<TimeFormat>(std::move(format).value());
  return {};
}

bool parse_time(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  auto parsed = call.time_format->parse(args[0]);
  if (!parsed.ok()) {
    return ctx.fail(static_cast<ExprErrc>(parsed.status().code().value()),
                    fmt::format("parse_time(): {}", parsed.status().message()));
  }
  out = Value::timestamp(*parsed);
  return true;
}

bool format_time(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  std::string text;
  call.time_format->format(args[0].as_timestamp(), text);
  out = Value::string(ctx.arena->copy(text));
  return true;
}

using P = Param;

const FunctionSpec kTimeFunctions[] = {
    {"now", 0, 0, {P::kAny}, ValueKind::kTimestamp, false, CallStyle::kEager, nullptr, now},
    {"parse_time", 2, 2, {P::kAny, P::kStringLiteral}, ValueKind::kTimestamp, true,
     CallStyle::kEager, prepare_format, parse_time},
    {"format_time", 2, 2, {P::kTimestamp, P::kStringLiteral}, ValueKind::kString, true,
     CallStyle::kEager, prepare_format, format_time},
};

}  // namespace

std::span<const FunctionSpec> time_functions() { return kTimeFunctions; }

}  // namespace caudal::pipeline
