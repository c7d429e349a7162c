#include "pipeline/expr/expression.h"

#include <fmt/format.h>

#include "pipeline/event/arena.h"
#include "pipeline/event/projection.h"
#include "pipeline/event/utf8.h"
#include "pipeline/expr/ast.h"
#include "pipeline/expr/compiler.h"
#include "pipeline/expr/evaluator.h"
#include "pipeline/expr/parser.h"

namespace caudal::pipeline {

struct Expression::Compiled {
  std::string text;
  Arena constants;  // literal and folded strings, arrays and objects
  std::unique_ptr<ExprNode> root;
  std::vector<Path> fields;
};

namespace {

// 1-based line and column of byte `offset` in `text` (columns count bytes).
CompileError position_of(std::string_view text, uint32_t offset, std::string message) {
  CompileError error;
  error.line = 1;
  error.column = 1;
  for (uint32_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++error.line;
      error.column = 1;
    } else {
      ++error.column;
    }
  }
  error.message = std::move(message);
  return error;
}

}  // namespace

Expression::Expression(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
Expression::Expression(Expression&&) noexcept = default;
Expression& Expression::operator=(Expression&&) noexcept = default;
Expression::~Expression() = default;

Result<Expression> Expression::compile(std::string_view text, CompileError* error) {
  auto compiled = std::make_unique<Compiled>();
  compiled->text = std::string(text);
  auto failure = [&](ExprErrc code, uint32_t offset, std::string message) -> Status {
    CompileError parts = position_of(compiled->text, offset, std::move(message));
    Status status(code, fmt::format("line {}, column {}: {}", parts.line, parts.column, parts.message));
    if (error != nullptr) *error = std::move(parts);
    return status;
  };
  if (size_t valid = valid_utf8_prefix(compiled->text); valid != compiled->text.size()) {
    return failure(ExprErrc::kSyntax, static_cast<uint32_t>(valid), "invalid UTF-8");
  }
  ParseOutcome parsed = parse_expression(compiled->text, compiled->constants);
  if (!parsed.root) return failure(parsed.error_code, parsed.error_offset, parsed.error);
  compiled->root = std::move(parsed.root);
  CompileProblem problem = compile_tree(compiled->root, compiled->text, compiled->constants,
                                        compiled->fields);
  if (!problem.message.empty()) return failure(problem.code, problem.offset, problem.message);
  return Expression(std::move(compiled));
}

const std::string& Expression::text() const { return compiled_->text; }

std::optional<ValueKind> Expression::result_kind() const { return compiled_->root->kind; }

bool Expression::is_constant() const { return compiled_->root->op == ExprOp::kConstant; }

const std::vector<Path>& Expression::fields() const { return compiled_->fields; }

namespace {

void bind_node(ExprNode& node, const Projection& projection) {
  if (node.op == ExprOp::kField && node.top_level_key != nullptr) {
    node.slot_projection = &projection;
    node.slot = projection.slot_of(*node.top_level_key);
  }
  for (const std::unique_ptr<ExprNode>& child : node.children) bind_node(*child, projection);
}

}  // namespace

void Expression::bind_slots(const Projection& projection) const {
  bind_node(*compiled_->root, projection);
}

Result<Value> Expression::evaluate(EventBatch& batch, uint32_t event) const {
  EvalContext ctx;
  ctx.event = &batch.event(event);
  ctx.arena = &batch.arena();
  ctx.now = batch.processing_time();
  ctx.text = compiled_->text;
  Value out;
  if (!evaluate_node(*compiled_->root, ctx, out)) return ctx.error;
  return out;
}

void Expression::evaluate(EventBatch& batch, std::vector<Value>& values,
                          std::vector<EvalFailure>& failures) const {
  std::span<const uint32_t> selection = batch.selection();
  values.resize(selection.size());
  EvalContext ctx;
  ctx.arena = &batch.arena();
  ctx.now = batch.processing_time();
  ctx.text = compiled_->text;
  const ExprNode& root = *compiled_->root;
  for (size_t k = 0; k < selection.size(); ++k) {
    ctx.event = &batch.event(selection[k]);
    if (!evaluate_operand(root, ctx, values[k])) {
      values[k] = Value::missing();
      failures.push_back(EvalFailure{selection[k], std::move(ctx.error)});
      ctx.error = Status();
    }
  }
}

Result<bool> Expression::test(EventBatch& batch, uint32_t event) const {
  CAUDAL_ASSIGN_OR_RETURN(Value value, evaluate(batch, event));
  EvalContext ctx;
  ctx.text = compiled_->text;
  bool flag = false;
  if (!truth(*compiled_->root, value, ctx, flag)) return ctx.error;
  return flag;
}

void Expression::filter(EventBatch& batch, bool keep_when, std::vector<EvalFailure>& failures) const {
  std::vector<uint32_t>& selection = batch.mutable_selection();
  EvalContext ctx;
  ctx.arena = &batch.arena();
  ctx.now = batch.processing_time();
  ctx.text = compiled_->text;
  const ExprNode& root = *compiled_->root;
  size_t kept = 0;
  for (uint32_t index : selection) {
    ctx.event = &batch.event(index);
    Value value;
    bool flag = false;
    if (!evaluate_operand(root, ctx, value) || !truth(root, value, ctx, flag)) {
      failures.push_back(EvalFailure{index, std::move(ctx.error)});
      ctx.error = Status();
      continue;
    }
    if (flag == keep_when) selection[kept++] = index;
  }
  selection.resize(kept);
}

}  // namespace caudal::pipeline
