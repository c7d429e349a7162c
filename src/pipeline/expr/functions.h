// The function table of the expression language: one FunctionSpec per function, with its
// arity, parameter kinds (checked at load time where argument kinds are known, and at run
// time always), result kind, load-time preparation (compiling a regex or a time format from a
// literal argument) and implementation. docs/expressions.md documents each one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pipeline/event/value.h"
#include "pipeline/expr/ast.h"
#include "pipeline/expr/evaluator.h"

namespace caudal::pipeline {

enum class Param : uint8_t {
  kAny,
  kString,
  kNumber,         // int or double
  kInt,
  kTimestamp,
  kStringLiteral,  // a string known at load time (a literal, or folded to one)
  kPath,           // a field path as written, not its value (exists)
};

// How the evaluator treats a call.
enum class CallStyle : uint8_t {
  kEager,     // arguments evaluated first; `call` does the rest
  kExists,    // exists(path): looks the path up without evaluating it
  kCoalesce,  // coalesce(a, b, ...): evaluates arguments until one is not null or missing
};

inline constexpr uint8_t kVariadic = 32;  // the most arguments any call takes

struct FunctionSpec {
  std::string_view name;
  uint8_t min_args;
  uint8_t max_args;
  // Parameter kinds; arguments past the last listed one take the last kind.
  std::array<Param, 3> params;
  std::optional<ValueKind> result;
  bool pure;  // same arguments, same result (foldable); now() is not
  CallStyle style;
  // Load-time preparation of a call whose arguments are checked; returns an error message, or
  // an empty string when the call is fine. nullptr when there is nothing to prepare.
  std::string (*prepare)(ExprNode& call);
  // Run time (kEager): `args` has one value per argument, none missing or null unless the
  // parameter is kAny.
  bool (*call)(const ExprNode& call, const Value* args, EvalContext& ctx, Value& out);
};

// nullptr when there is no such function.
const FunctionSpec* find_function(std::string_view name);

// Every function name, comma-separated, for the "unknown function" message.
std::string function_names();

// The tables of each family of functions (functions.cc joins them).
std::span<const FunctionSpec> string_functions();
std::span<const FunctionSpec> time_functions();
std::span<const FunctionSpec> value_functions();
std::span<const FunctionSpec> source_functions();

// `value` as text: strings as they are, numbers and bools as in JSON, timestamps in ISO-8601,
// arrays and objects as JSON, null as "null" (to_string() and concat()).
void append_as_text(Value value, std::string& out);

// For implementations: the message of an argument of the wrong kind, as a kTypeMismatch
// failure (always returns false).
bool argument_mismatch(const ExprNode& call, size_t index, Value value, std::string_view wanted,
                       EvalContext& ctx);

}  // namespace caudal::pipeline
