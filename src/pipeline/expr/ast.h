// The compiled form of an expression: a tree of ExprNodes, built by the parser (parser.h),
// then checked, bound to functions and folded by the compiler (compiler.h), then walked by the
// evaluator (evaluator.h). Internal to pipeline/expr; users hold an Expression.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/event/path.h"
#include "pipeline/event/value.h"

namespace re2 {
class RE2;
}

namespace caudal::pipeline {

struct FunctionSpec;
class Projection;
class TimeFormat;

enum class ExprOp : uint8_t {
  kConstant,
  kField,  // `path` of the event
  kIndex,  // `path` applied to the value of children[0] (e.g. split(s, ',')[1])
  kNegate,
  kNot,    // `not` and `!`
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kAnd,
  kOr,
  kIn,
  kNotIn,
  kConditional,  // children: condition, then, else
  kList,         // [a, b, ...]
  kCall,         // `function` with children as arguments
};

struct ExprNode {
  // Both out of line, where RE2 and TimeFormat are complete types.
  ExprNode(ExprOp op_in, uint32_t begin_in, uint32_t end_in);
  ~ExprNode();

  ExprOp op;
  // Byte range of the node in the expression text: error messages quote it.
  uint32_t begin;
  uint32_t end;
  // The kind of the result when known at load time.
  std::optional<ValueKind> kind;
  Value constant;  // kConstant
  Path path;       // kField, kIndex, and exists()' argument
  // kField with a one-key path: that key (points into `path`), for the evaluator's fast path.
  const std::string* top_level_key = nullptr;
  // With top_level_key, once bound (Expression::bind_slots): the key's slot in the pipeline's
  // projection, read directly from events decoded with it (Event::top_level).
  const Projection* slot_projection = nullptr;
  int32_t slot = -1;
  std::vector<std::unique_ptr<ExprNode>> children;
  const FunctionSpec* function = nullptr;  // kCall
  // Compiled once at load, for the functions that take a literal pattern or format.
  std::unique_ptr<re2::RE2> regex;
  std::unique_ptr<TimeFormat> time_format;
  std::string replacement;  // replace()'s rewrite string, checked at load
};

// Name of an operator as written ("+", "and", "in"...), for messages.
std::string_view op_text(ExprOp op);

}  // namespace caudal::pipeline
