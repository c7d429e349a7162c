// Parser of the expression language: precedence climbing over the Lexer's tokens into an
// ExprNode tree (ast.h). Grammar, loosest first:
//
//   conditional := or ('?' conditional ':' conditional)?
//   or          := and (('or' | '||') and)*
//   and         := not (('and' | '&&') not)*
//   not         := 'not' not | comparison
//   comparison  := additive (('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in') additive)?
//   additive    := multiplicative (('+' | '-') multiplicative)*
//   multiplicative := unary (('*' | '/' | '%') unary)*
//   unary       := ('-' | '!') unary | postfix
//   postfix     := primary ('[' int-or-string ']' | '.' key)*
//   primary     := number | string | true | false | null | path | name '(' args ')'
//                | '[' list ']' | '(' conditional ')'
//
// Nesting is limited (kMaxNesting) so hostile config text cannot exhaust the stack.
#pragma once

#include <memory>
#include <string_view>

#include "common/result.h"
#include "pipeline/expr/ast.h"
#include "pipeline/expr/errc.h"

namespace caudal::pipeline {

inline constexpr int kMaxNesting = 64;
inline constexpr size_t kMaxExpressionBytes = 64 * 1024;

class Arena;

// The tree of `text`, or why not (with the byte offset of the problem). String literals are
// copied into `constants`, which the compiled expression keeps.
struct ParseOutcome {
  std::unique_ptr<ExprNode> root;
  std::string error;
  uint32_t error_offset = 0;
  ExprErrc error_code = ExprErrc::kSyntax;
};
ParseOutcome parse_expression(std::string_view text, Arena& constants);

}  // namespace caudal::pipeline
