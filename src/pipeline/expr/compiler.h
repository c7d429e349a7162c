// The load-time passes over a parsed expression tree, in one post-order walk: bind function
// calls to the function table and check their arity, check operand kinds wherever they are
// known (literals, operator results, function results; fields are unknown until run time),
// prepare literal arguments (regexes, time formats), and fold every sub-expression whose
// operands are constants into a constant (so `1/0` is a load-time error, and
// `x in ['a', 'b']` compares against one prebuilt array).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/event/path.h"
#include "pipeline/expr/ast.h"
#include "pipeline/expr/errc.h"

namespace caudal::pipeline {

class Arena;

struct CompileProblem {
  std::string message;
  uint32_t offset = 0;  // byte offset in the expression text
  ExprErrc code = ExprErrc::kTypeError;
};

// Rewrites `root` in place. Folded strings and arrays go to `constants`; every field path read
// is appended to `fields` once. Returns a problem, or one with an empty message.
CompileProblem compile_tree(std::unique_ptr<ExprNode>& root, std::string_view text,
                            Arena& constants, std::vector<Path>& fields);

}  // namespace caudal::pipeline
