// Evaluation of an ExprNode tree for one event: a switch over the node's operator, recursing
// into its children. Also used at load time, with no event, to fold constant sub-expressions,
// so folding and run time can never disagree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pipeline/event/event.h"
#include "pipeline/event/value.h"
#include "pipeline/expr/ast.h"
#include "pipeline/expr/errc.h"

namespace caudal::pipeline {

class Arena;

struct EvalContext {
  const Event* event = nullptr;  // nullptr while folding constants
  Arena* arena = nullptr;        // where computed strings, arrays and objects go
  int64_t now = 0;               // what now() returns
  std::string_view text;         // the expression text, for messages
  Status error;                  // set when evaluation returns false

  // Records a failure; returns false so callers can `return ctx.fail(...)`.
  bool fail(ExprErrc code, std::string message);
  // The node as written, shortened for messages: 'temperature * 2'.
  std::string quote(const ExprNode& node) const;
};

// Evaluates `node`; false (with ctx.error set) when the event makes it fail.
bool evaluate_node(const ExprNode& node, EvalContext& ctx, Value& out);

// The same, with the leaves of a tree (a top-level field, a constant: half of its nodes) read
// in place instead of through a call: what every operator and every per-batch loop uses.
inline bool evaluate_operand(const ExprNode& node, EvalContext& ctx, Value& out) {
  if (node.op == ExprOp::kConstant) {
    out = node.constant;
    return true;
  }
  if (node.op == ExprOp::kField && node.top_level_key != nullptr && ctx.event != nullptr) {
    out = ctx.event->top_level(*node.top_level_key, node.slot_projection, node.slot);
    return true;
  }
  return evaluate_node(node, ctx, out);
}

// "missing", "null", "a bool", "an int", "a double", "a string", "a timestamp", "an array",
// "an object": how messages describe a value's kind.
std::string_view describe_kind(ValueKind kind);

// truth()'s failure, out of line (it formats the message).
bool not_a_condition(const ExprNode& node, Value value, EvalContext& ctx);

// The truth of a condition: true, false, or a failure for a value that is not a bool
// (null and missing are false).
inline bool truth(const ExprNode& node, Value value, EvalContext& ctx, bool& out) {
  if (value.is_bool()) {
    out = value.as_bool();
    return true;
  }
  if (value.is_null()) {
    out = false;
    return true;
  }
  return not_a_condition(node, value, ctx);
}

}  // namespace caudal::pipeline
