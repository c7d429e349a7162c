// Error codes of expressions. Load-time codes come from Expression::compile (the message
// starts with "line L, column C:"); run-time codes come from evaluation, and the runtime
// dead-letters the event with the message as the reason. See common/errc.h for the pattern.
#pragma once

#include <system_error>

namespace caudal::pipeline {

enum class ExprErrc {
  // load time
  kSyntax = 1,       // the text does not parse
  kTypeError,        // operand types known at load time do not fit the operator or function
  kUnknownFunction,  // no function of that name
  kWrongArity,       // wrong number of arguments
  kInvalidArgument,  // an argument that must be a literal is not, or is not valid (regex, format)
  kTooComplex,       // nested too deeply, or too long
  // run time
  kMissingValue,     // a missing or null operand where a value is needed
  kTypeMismatch,     // an operand of the wrong type
  kOverflow,         // integer overflow, a non-finite result, a timestamp out of range
  kDivisionByZero,
  kBadConversion,    // to_int("abc"), parse_time on text that is not a time
};

const std::error_category& expr_error_category();

inline std::error_code make_error_code(ExprErrc e) {
  return {static_cast<int>(e), expr_error_category()};
}

}  // namespace caudal::pipeline

template <>
struct std::is_error_code_enum<caudal::pipeline::ExprErrc> : std::true_type {};
