#include "pipeline/expr/errc.h"

#include <string>

namespace caudal::pipeline {
namespace {

class ExprCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pipeline.expr"; }
  std::string message(int code) const override {
    switch (static_cast<ExprErrc>(code)) {
      case ExprErrc::kSyntax: return "syntax";
      case ExprErrc::kTypeError: return "type_error";
      case ExprErrc::kUnknownFunction: return "unknown_function";
      case ExprErrc::kWrongArity: return "wrong_arity";
      case ExprErrc::kInvalidArgument: return "invalid_argument";
      case ExprErrc::kTooComplex: return "too_complex";
      case ExprErrc::kMissingValue: return "missing_value";
      case ExprErrc::kTypeMismatch: return "type_mismatch";
      case ExprErrc::kOverflow: return "overflow";
      case ExprErrc::kDivisionByZero: return "division_by_zero";
      case ExprErrc::kBadConversion: return "bad_conversion";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& expr_error_category() {
  static const ExprCategory category;
  return category;
}

}  // namespace caudal::pipeline
