// Functions over any value: exists, coalesce, the casts (to_int, to_float, to_string,
// to_bool), number rounding (abs, round, floor, ceil) and geohash.
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "pipeline/event/arena.h"
#include "pipeline/event/json.h"
#include "pipeline/event/timestamp.h"
#include "pipeline/expr/functions.h"
#include "pipeline/expr/geohash.h"

namespace caudal::pipeline {
namespace {

bool absent_argument(const ExprNode& call, size_t index, Value value, EvalContext& ctx) {
  return ctx.fail(ExprErrc::kMissingValue,
                  fmt::format("{}(): argument {} ('{}') is {}", call.function->name, index + 1,
                              ctx.quote(*call.children[index]), describe_kind(value.kind())));
}

bool cannot_convert(const ExprNode& call, Value value, EvalContext& ctx) {
  std::string text;
  append_as_text(value, text);
  if (text.size() > 64) text = text.substr(0, 64) + "...";
  return ctx.fail(ExprErrc::kBadConversion,
                  fmt::format("{}(): cannot convert {} '{}' ('{}')", call.function->name,
                              describe_kind(value.kind()), text, ctx.quote(*call.children[0])));
}

// A double to int64, truncating toward zero; false when it does not fit.
bool double_to_int(double number, int64_t& out) {
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (!std::isfinite(number) || number >= 9223372036854775808.0 || number < -9223372036854775808.0) {
    return false;
  }
  out = static_cast<int64_t>(number);
  return true;
}

bool to_int(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  Value v = args[0];
  int64_t result = 0;
  switch (v.kind()) {
    case ValueKind::kInt: out = v; return true;
    case ValueKind::kBool: out = Value::integer(v.as_bool() ? 1 : 0); return true;
    case ValueKind::kTimestamp: out = Value::integer(v.as_timestamp() / kNanosPerMilli); return true;
    case ValueKind::kDouble:
      if (!double_to_int(v.as_double(), result)) return cannot_convert(call, v, ctx);
      out = Value::integer(result);
      return true;
    case ValueKind::kString: {
      std::string_view text = v.as_string();
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
      if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
        out = Value::integer(result);
        return true;
      }
      double number = 0;
      auto [end2, ec2] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec2 != std::errc() || end2 != text.data() + text.size() || text.empty() ||
          !double_to_int(number, result)) {
        return cannot_convert(call, v, ctx);
      }
      out = Value::integer(result);
      return true;
    }
    case ValueKind::kMissing:
    case ValueKind::kNull: return absent_argument(call, 0, v, ctx);
    default: return cannot_convert(call, v, ctx);
  }
}

bool to_float(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  Value v = args[0];
  switch (v.kind()) {
    case ValueKind::kInt:
    case ValueKind::kDouble: out = Value::real(v.as_number()); return true;
    case ValueKind::kBool: out = Value::real(v.as_bool() ? 1 : 0); return true;
    case ValueKind::kTimestamp:
      out = Value::real(static_cast<double>(v.as_timestamp()) / kNanosPerMilli);
      return true;
    case ValueKind::kString: {
      std::string_view text = v.as_string();
      double number = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
          !std::isfinite(number)) {
        return cannot_convert(call, v, ctx);
      }
      out = Value::real(number);
      return true;
    }
    case ValueKind::kMissing:
    case ValueKind::kNull: return absent_argument(call, 0, v, ctx);
    default: return cannot_convert(call, v, ctx);
  }
}

bool to_string(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  Value v = args[0];
  if (v.is_null()) return absent_argument(call, 0, v, ctx);
  if (v.is_string()) {
    out = v;
    return true;
  }
  std::string text;
  append_as_text(v, text);
  out = Value::string(ctx.arena->copy(text));
  return true;
}

bool to_bool(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  Value v = args[0];
  switch (v.kind()) {
    case ValueKind::kBool: out = v; return true;
    case ValueKind::kInt: out = Value::boolean(v.as_int() != 0); return true;
    case ValueKind::kDouble: out = Value::boolean(v.as_double() != 0); return true;
    case ValueKind::kString: {
      std::string_view text = v.as_string();
      if (text == "true" || text == "TRUE" || text == "True" || text == "1" || text == "yes") {
        out = Value::boolean(true);
        return true;
      }
      if (text == "false" || text == "FALSE" || text == "False" || text == "0" || text == "no") {
        out = Value::boolean(false);
        return true;
      }
      return cannot_convert(call, v, ctx);
    }
    case ValueKind::kMissing:
    case ValueKind::kNull: return absent_argument(call, 0, v, ctx);
    default: return cannot_convert(call, v, ctx);
  }
}

bool abs_value(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  Value v = args[0];
  if (v.is_int()) {
    if (v.as_int() == std::numeric_limits<int64_t>::min()) {
      return ctx.fail(ExprErrc::kOverflow, fmt::format("overflow in '{}'", ctx.quote(call)));
    }
    out = Value::integer(v.as_int() < 0 ? -v.as_int() : v.as_int());
    return true;
  }
  out = Value::real(std::fabs(v.as_double()));
  return true;
}

bool rounding(const ExprNode& call, Value v, double (*mode)(double), EvalContext& ctx, Value& out) {
  if (v.is_int()) {
    out = v;
    return true;
  }
  int64_t result = 0;
  if (!double_to_int(mode(v.as_double()), result)) {
    return ctx.fail(ExprErrc::kOverflow,
                    fmt::format("'{}' does not fit in an int", ctx.quote(call)));
  }
  out = Value::integer(result);
  return true;
}

bool round_value(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  return rounding(call, args[0], [](double x) { return std::round(x); }, ctx, out);
}

bool floor_value(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  return rounding(call, args[0], [](double x) { return std::floor(x); }, ctx, out);
}

bool ceil_value(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out) {
  return rounding(call, args[0], [](double x) { return std::ceil(x); }, ctx, out);
}

std::string prepare_geohash(ExprNode& call) {
  const ExprNode& precision = *call.children[2];
  if (precision.op == ExprOp::kConstant && precision.constant.is_int() &&
      (precision.constant.as_int() < 1 || precision.constant.as_int() > kMaxGeohashPrecision)) {
    return fmt::format("geohash(): precision {} is outside 1 to {}", precision.constant.as_int(),
                       kMaxGeohashPrecision);
  }
  return {};
}

bool geohash(const ExprNode&, const Value* args, EvalContext& ctx, Value& out) {
  double latitude = args[0].as_number();
  double longitude = args[1].as_number();
  int64_t precision = args[2].as_int();
  if (!(latitude >= -90 && latitude <= 90)) {
    return ctx.fail(ExprErrc::kBadConversion,
                    fmt::format("geohash(): latitude {} is outside -90 to 90", latitude));
  }
  if (!(longitude >= -180 && longitude <= 180)) {
    return ctx.fail(ExprErrc::kBadConversion,
                    fmt::format("geohash(): longitude {} is outside -180 to 180", longitude));
  }
  if (precision < 1 || precision > kMaxGeohashPrecision) {
    return ctx.fail(ExprErrc::kBadConversion,
                    fmt::format("geohash(): precision {} is outside 1 to {}", precision,
                                kMaxGeohashPrecision));
  }
  out = Value::string(
      ctx.arena->copy(geohash_encode(latitude, longitude, static_cast<int>(precision))));
  return true;
}

using P = Param;

const FunctionSpec kValueFunctions[] = {
    {"exists", 1, 1, {P::kPath}, ValueKind::kBool, true, CallStyle::kExists, nullptr, nullptr},
    {"coalesce", 1, kVariadic, {P::kAny}, std::nullopt, true, CallStyle::kCoalesce, nullptr, nullptr},
    {"to_int", 1, 1, {P::kAny}, ValueKind::kInt, true, CallStyle::kEager, nullptr, to_int},
    {"to_float", 1, 1, {P::kAny}, ValueKind::kDouble, true, CallStyle::kEager, nullptr, to_float},
    {"to_string", 1, 1, {P::kAny}, ValueKind::kString, true, CallStyle::kEager, nullptr, to_string},
    {"to_bool", 1, 1, {P::kAny}, ValueKind::kBool, true, CallStyle::kEager, nullptr, to_bool},
    {"abs", 1, 1, {P::kNumber}, std::nullopt, true, CallStyle::kEager, nullptr, abs_value},
    {"round", 1, 1, {P::kNumber}, ValueKind::kInt, true, CallStyle::kEager, nullptr, round_value},
    {"floor", 1, 1, {P::kNumber}, ValueKind::kInt, true, CallStyle::kEager, nullptr, floor_value},
    {"ceil", 1, 1, {P::kNumber}, ValueKind::kInt, true, CallStyle::kEager, nullptr, ceil_value},
    {"geohash", 3, 3, {P::kNumber, P::kNumber, P::kInt}, ValueKind::kString, true,
     CallStyle::kEager, prepare_geohash, geohash},
};

}  // namespace

void append_as_text(Value value, std::string& out) {
  switch (value.kind()) {
    case ValueKind::kString: out += value.as_string(); return;
    case ValueKind::kTimestamp: append_iso8601(value.as_timestamp(), out); return;
    default: write_json(value, out); return;
  }
}

std::span<const FunctionSpec> value_functions() { return kValueFunctions; }

}  // namespace caudal::pipeline
