#include "pipeline/expr/ast.h"

#include <re2/re2.h>

#include "pipeline/expr/time_format.h"

namespace caudal::pipeline {

ExprNode::ExprNode(ExprOp op_in, uint32_t begin_in, uint32_t end_in)
    : op(op_in), begin(begin_in), end(end_in) {}

ExprNode::~ExprNode() = default;

std::string_view op_text(ExprOp op) {
  switch (op) {
    case ExprOp::kConstant: return "constant";
    case ExprOp::kField: return "field";
    case ExprOp::kIndex: return "[]";
    case ExprOp::kNegate: return "-";
    case ExprOp::kNot: return "not";
    case ExprOp::kAdd: return "+";
    case ExprOp::kSubtract: return "-";
    case ExprOp::kMultiply: return "*";
    case ExprOp::kDivide: return "/";
    case ExprOp::kModulo: return "%";
    case ExprOp::kEqual: return "==";
    case ExprOp::kNotEqual: return "!=";
    case ExprOp::kLess: return "<";
    case ExprOp::kLessEqual: return "<=";
    case ExprOp::kGreater: return ">";
    case ExprOp::kGreaterEqual: return ">=";
    case ExprOp::kAnd: return "and";
    case ExprOp::kOr: return "or";
    case ExprOp::kIn: return "in";
    case ExprOp::kNotIn: return "not in";
    case ExprOp::kConditional: return "?:";
    case ExprOp::kList: return "[...]";
    case ExprOp::kCall: return "call";
  }
  return "?";
}

}  // namespace caudal::pipeline
