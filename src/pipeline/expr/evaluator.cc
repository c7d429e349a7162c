#include "pipeline/expr/evaluator.h"

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "pipeline/event/arena.h"
#include "pipeline/event/event.h"
#include "pipeline/event/timestamp.h"
#include "pipeline/expr/functions.h"

namespace caudal::pipeline {

bool EvalContext::fail(ExprErrc code, std::string message) {
  error = Status(code, std::move(message));
  return false;
}

std::string EvalContext::quote(const ExprNode& node) const {
  std::string_view written = text.substr(node.begin, node.end - node.begin);
  constexpr size_t kLongest = 60;
  if (written.size() <= kLongest) return std::string(written);
  return std::string(written.substr(0, kLongest)) + "...";
}

std::string_view describe_kind(ValueKind kind) {
  switch (kind) {
    case ValueKind::kMissing: return "missing";
    case ValueKind::kNull: return "null";
    case ValueKind::kBool: return "a bool";
    case ValueKind::kInt: return "an int";
    case ValueKind::kDouble: return "a double";
    case ValueKind::kString: return "a string";
    case ValueKind::kTimestamp: return "a timestamp";
    case ValueKind::kArray: return "an array";
    case ValueKind::kObject: return "an object";
  }
  return "unknown";
}

bool not_a_condition(const ExprNode& node, Value value, EvalContext& ctx) {
  return ctx.fail(ExprErrc::kTypeMismatch, fmt::format("'{}' is {}, not a bool", ctx.quote(node),
                                                      describe_kind(value.kind())));
}

namespace {

// 'x' is missing / null, in the context of `parent`.
bool absent(const ExprNode& operand, Value value, const ExprNode& parent, EvalContext& ctx) {
  return ctx.fail(ExprErrc::kMissingValue,
                  fmt::format("'{}' is {}, in '{}'", ctx.quote(operand), describe_kind(value.kind()),
                              ctx.quote(parent)));
}

bool mismatch(const ExprNode& node, Value a, Value b, EvalContext& ctx) {
  return ctx.fail(ExprErrc::kTypeMismatch,
                  fmt::format("cannot apply '{}' to {} and {}, in '{}'", op_text(node.op),
                              describe_kind(a.kind()), describe_kind(b.kind()), ctx.quote(node)));
}

bool overflow(const ExprNode& node, EvalContext& ctx) {
  return ctx.fail(ExprErrc::kOverflow, fmt::format("overflow in '{}'", ctx.quote(node)));
}

bool finite(const ExprNode& node, double result, EvalContext& ctx, Value& out) {
  if (!std::isfinite(result)) {
    return ctx.fail(ExprErrc::kOverflow,
                    fmt::format("'{}' is not a finite number", ctx.quote(node)));
  }
  out = Value::real(result);
  return true;
}

bool millis_to_nanos(const ExprNode& node, int64_t millis, EvalContext& ctx, int64_t& nanos) {
  if (__builtin_mul_overflow(millis, kNanosPerMilli, &nanos)) return overflow(node, ctx);
  return true;
}

[[gnu::noinline]] bool arithmetic(const ExprNode& node, Value a, Value b, EvalContext& ctx, Value& out) {
  if (a.is_null()) return absent(*node.children[0], a, node, ctx);
  if (b.is_null()) return absent(*node.children[1], b, node, ctx);
  ExprOp op = node.op;
  if (a.is_int() && b.is_int()) {
    int64_t x = a.as_int();
    int64_t y = b.as_int();
    int64_t result = 0;
    switch (op) {
      case ExprOp::kAdd:
        if (__builtin_add_overflow(x, y, &result)) return overflow(node, ctx);
        break;
      case ExprOp::kSubtract:
        if (__builtin_sub_overflow(x, y, &result)) return overflow(node, ctx);
        break;
      case ExprOp::kMultiply:
        if (__builtin_mul_overflow(x, y, &result)) return overflow(node, ctx);
        break;
      case ExprOp::kDivide:
        if (y == 0) {
          return ctx.fail(ExprErrc::kDivisionByZero,
                          fmt::format("division by zero in '{}'", ctx.quote(node)));
        }
        return finite(node, static_cast<double>(x) / static_cast<double>(y), ctx, out);
      case ExprOp::kModulo:
        if (y == 0) {
          return ctx.fail(ExprErrc::kDivisionByZero,
                          fmt::format("division by zero in '{}'", ctx.quote(node)));
        }
        // INT64_MIN % -1 overflows in C++ although the answer is 0.
        result = y == -1 ? 0 : x % y;
        break;
      default: return mismatch(node, a, b, ctx);
    }
    out = Value::integer(result);
    return true;
  }
  if (a.is_number() && b.is_number()) {
    double x = a.as_number();
    double y = b.as_number();
    switch (op) {
      case ExprOp::kAdd: return finite(node, x + y, ctx, out);
      case ExprOp::kSubtract: return finite(node, x - y, ctx, out);
      case ExprOp::kMultiply: return finite(node, x * y, ctx, out);
      case ExprOp::kDivide:
      case ExprOp::kModulo:
        if (y == 0) {
          return ctx.fail(ExprErrc::kDivisionByZero,
                          fmt::format("division by zero in '{}'", ctx.quote(node)));
        }
        return finite(node, op == ExprOp::kDivide ? x / y : std::fmod(x, y), ctx, out);
      default: return mismatch(node, a, b, ctx);
    }
  }
  if (op == ExprOp::kAdd && a.is_string() && b.is_string()) {
    std::string_view x = a.as_string();
    std::string_view y = b.as_string();
    char* joined = static_cast<char*>(ctx.arena->allocate(x.size() + y.size() + 1, 1));
    std::memcpy(joined, x.data(), x.size());
    std::memcpy(joined + x.size(), y.data(), y.size());
    out = Value::string(std::string_view(joined, x.size() + y.size()));
    return true;
  }
  // Timestamps move by integer milliseconds; two timestamps differ by milliseconds.
  if ((op == ExprOp::kAdd || op == ExprOp::kSubtract) && a.is_timestamp() && b.is_int()) {
    int64_t delta = 0;
    int64_t result = 0;
    if (!millis_to_nanos(node, b.as_int(), ctx, delta)) return false;
    bool overflowed = op == ExprOp::kAdd ? __builtin_add_overflow(a.as_timestamp(), delta, &result)
                                         : __builtin_sub_overflow(a.as_timestamp(), delta, &result);
    if (overflowed) return overflow(node, ctx);
    out = Value::timestamp(result);
    return true;
  }
  if (op == ExprOp::kAdd && a.is_int() && b.is_timestamp()) {
    int64_t delta = 0;
    int64_t result = 0;
    if (!millis_to_nanos(node, a.as_int(), ctx, delta)) return false;
    if (__builtin_add_overflow(b.as_timestamp(), delta, &result)) return overflow(node, ctx);
    out = Value::timestamp(result);
    return true;
  }
  if (op == ExprOp::kSubtract && a.is_timestamp() && b.is_timestamp()) {
    int64_t difference = 0;
    if (__builtin_sub_overflow(a.as_timestamp(), b.as_timestamp(), &difference)) {
      return overflow(node, ctx);
    }
    out = Value::integer(difference / kNanosPerMilli);
    return true;
  }
  return mismatch(node, a, b, ctx);
}

// <0, 0, >0; false when the kinds cannot be ordered.
bool order(Value a, Value b, int& result) {
  if (a.is_int() && b.is_int()) {
    result = a.as_int() < b.as_int() ? -1 : (a.as_int() > b.as_int() ? 1 : 0);
    return true;
  }
  if (a.is_number() && b.is_number()) {
    double x = a.as_number();
    double y = b.as_number();
    result = x < y ? -1 : (x > y ? 1 : 0);
    return true;
  }
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    result = c < 0 ? -1 : (c > 0 ? 1 : 0);
    return true;
  }
  if (a.is_timestamp() && b.is_timestamp()) {
    result = a.as_timestamp() < b.as_timestamp() ? -1 : (a.as_timestamp() > b.as_timestamp() ? 1 : 0);
    return true;
  }
  return false;
}

bool compare(const ExprNode& node, Value a, Value b, EvalContext& ctx, Value& out) {
  // A missing or null side matches no range, as a range query over an absent field.
  if (a.is_null() || b.is_null()) {
    out = Value::boolean(false);
    return true;
  }
  int c = 0;
  if (!order(a, b, c)) {
    return ctx.fail(ExprErrc::kTypeMismatch,
                    fmt::format("cannot compare {} with {}, in '{}'", describe_kind(a.kind()),
                                describe_kind(b.kind()), ctx.quote(node)));
  }
  bool result = false;
  switch (node.op) {
    case ExprOp::kLess: result = c < 0; break;
    case ExprOp::kLessEqual: result = c <= 0; break;
    case ExprOp::kGreater: result = c > 0; break;
    case ExprOp::kGreaterEqual: result = c >= 0; break;
    default: break;
  }
  out = Value::boolean(result);
  return true;
}

bool membership(const ExprNode& node, Value needle, Value haystack, EvalContext& ctx, bool& out) {
  out = false;
  if (haystack.is_null() || needle.is_missing()) return true;
  if (haystack.is_array()) {
    for (Value item : *haystack.as_array()) {
      if (values_equal(needle, item)) {
        out = true;
        break;
      }
    }
    return true;
  }
  if (haystack.is_string() || haystack.is_object()) {
    if (needle.is_null()) return true;
    if (!needle.is_string()) {
      return ctx.fail(ExprErrc::kTypeMismatch,
                      fmt::format("'in' over {} needs a string on the left, found {}, in '{}'",
                                  describe_kind(haystack.kind()), describe_kind(needle.kind()),
                                  ctx.quote(node)));
    }
    out = haystack.is_string() ? haystack.as_string().find(needle.as_string()) != std::string_view::npos
                               : haystack.as_object()->find(needle.as_string()) != nullptr;
    return true;
  }
  return ctx.fail(ExprErrc::kTypeMismatch,
                  fmt::format("'in' needs an array, a string or an object on the right, found {}, "
                              "in '{}'",
                              describe_kind(haystack.kind()), ctx.quote(node)));
}

// Out of line: its argument array would otherwise enlarge every evaluate_node frame.
[[gnu::noinline]] bool call(const ExprNode& node, EvalContext& ctx, Value& out) {
  const FunctionSpec& spec = *node.function;
  if (spec.style == CallStyle::kExists) {
    out = Value::boolean(ctx.event != nullptr && !ctx.event->get(node.children[0]->path).is_missing());
    return true;
  }
  if (spec.style == CallStyle::kCoalesce) {
    for (const auto& argument : node.children) {
      if (!evaluate_operand(*argument, ctx, out)) return false;
      if (!out.is_null()) return true;
    }
    out = Value::null();
    return true;
  }
  Value args[kVariadic];
  size_t count = node.children.size();
  for (size_t i = 0; i < count; ++i) {
    if (!evaluate_operand(*node.children[i], ctx, args[i])) return false;
    Param param = spec.params[std::min<size_t>(i, spec.params.size() - 1)];
    Value v = args[i];
    if (param == Param::kAny) continue;
    if (v.is_null()) {
      return ctx.fail(ExprErrc::kMissingValue,
                      fmt::format("{}(): argument {} ('{}') is {}", spec.name, i + 1,
                                  ctx.quote(*node.children[i]), describe_kind(v.kind())));
    }
    switch (param) {
      case Param::kString:
      case Param::kStringLiteral:
        if (!v.is_string()) return argument_mismatch(node, i, v, "a string", ctx);
        break;
      case Param::kNumber:
        if (!v.is_number()) return argument_mismatch(node, i, v, "a number", ctx);
        break;
      case Param::kInt:
        if (!v.is_int()) return argument_mismatch(node, i, v, "an int", ctx);
        break;
      case Param::kTimestamp:
        if (!v.is_timestamp()) return argument_mismatch(node, i, v, "a timestamp", ctx);
        break;
      default: break;
    }
  }
  return spec.call(node, args, ctx, out);
}

}  // namespace

bool argument_mismatch(const ExprNode& call, size_t index, Value value, std::string_view wanted,
                       EvalContext& ctx) {
  return ctx.fail(ExprErrc::kTypeMismatch,
                  fmt::format("{}(): argument {} ('{}') is {}, not {}", call.function->name,
                              index + 1, ctx.quote(*call.children[index]),
                              describe_kind(value.kind()), wanted));
}

bool evaluate_node(const ExprNode& node, EvalContext& ctx, Value& out) {
  switch (node.op) {
    case ExprOp::kConstant: out = node.constant; return true;
    case ExprOp::kField:
      if (ctx.event == nullptr) {
        out = Value::missing();
      } else if (node.top_level_key != nullptr) {
        // The common case, a top-level key: its slot, or one scan of the root; no path walk.
        out = ctx.event->top_level(*node.top_level_key, node.slot_projection, node.slot);
      } else {
        out = ctx.event->get(node.path);
      }
      return true;
    case ExprOp::kIndex: {
      Value base;
      if (!evaluate_operand(*node.children[0], ctx, base)) return false;
      out = get_path(base, node.path);
      return true;
    }
    case ExprOp::kNegate: {
      Value v;
      if (!evaluate_operand(*node.children[0], ctx, v)) return false;
      if (v.is_null()) return absent(*node.children[0], v, node, ctx);
      if (v.is_int()) {
        if (v.as_int() == std::numeric_limits<int64_t>::min()) return overflow(node, ctx);
        out = Value::integer(-v.as_int());
        return true;
      }
      if (v.is_double()) {
        out = Value::real(-v.as_double());
        return true;
      }
      return ctx.fail(ExprErrc::kTypeMismatch,
                      fmt::format("cannot negate {}, in '{}'", describe_kind(v.kind()), ctx.quote(node)));
    }
    case ExprOp::kNot: {
      Value v;
      bool flag = false;
      if (!evaluate_operand(*node.children[0], ctx, v) || !truth(*node.children[0], v, ctx, flag)) {
        return false;
      }
      out = Value::boolean(!flag);
      return true;
    }
    case ExprOp::kAnd:
    case ExprOp::kOr: {
      Value v;
      bool flag = false;
      if (!evaluate_operand(*node.children[0], ctx, v) || !truth(*node.children[0], v, ctx, flag)) {
        return false;
      }
      // Short-circuit: the right side is not evaluated (and cannot fail) when the left decides.
      if (flag == (node.op == ExprOp::kOr)) {
        out = Value::boolean(flag);
        return true;
      }
      if (!evaluate_operand(*node.children[1], ctx, v) || !truth(*node.children[1], v, ctx, flag)) {
        return false;
      }
      out = Value::boolean(flag);
      return true;
    }
    case ExprOp::kConditional: {
      Value v;
      bool flag = false;
      if (!evaluate_operand(*node.children[0], ctx, v) || !truth(*node.children[0], v, ctx, flag)) {
        return false;
      }
      return evaluate_operand(*node.children[flag ? 1 : 2], ctx, out);
    }
    case ExprOp::kList: {
      Array* array = Array::create(*ctx.arena, static_cast<uint32_t>(node.children.size()));
      for (const auto& item : node.children) {
        Value v;
        if (!evaluate_operand(*item, ctx, v)) return false;
        array->items[array->size++] = v.is_missing() ? Value::null() : v;
      }
      out = Value::array(array);
      return true;
    }
    case ExprOp::kCall: return call(node, ctx, out);
    default: break;
  }
  // Binary operators: both sides first.
  Value a;
  Value b;
  if (!evaluate_operand(*node.children[0], ctx, a) ||
      !evaluate_operand(*node.children[1], ctx, b)) {
    return false;
  }
  switch (node.op) {
    case ExprOp::kAdd:
    case ExprOp::kSubtract:
    case ExprOp::kMultiply:
    case ExprOp::kDivide:
    case ExprOp::kModulo: return arithmetic(node, a, b, ctx, out);
    case ExprOp::kEqual: out = Value::boolean(values_equal(a, b)); return true;
    case ExprOp::kNotEqual: out = Value::boolean(!values_equal(a, b)); return true;
    case ExprOp::kLess:
    case ExprOp::kLessEqual:
    case ExprOp::kGreater:
    case ExprOp::kGreaterEqual: return compare(node, a, b, ctx, out);
    case ExprOp::kIn:
    case ExprOp::kNotIn: {
      bool found = false;
      if (!membership(node, a, b, ctx, found)) return false;
      out = Value::boolean(node.op == ExprOp::kIn ? found : !found);
      return true;
    }
    default: break;
  }
  return ctx.fail(ExprErrc::kTypeMismatch, fmt::format("cannot evaluate '{}'", ctx.quote(node)));
}

}  // namespace caudal::pipeline
