// `set: {path: EXPRESSION, ...}` stores each expression's value at its path, creating missing
// intermediate objects. Assignments apply in the order written, so a later one sees the fields
// an earlier one set. An expression that fails, or a path that runs through a non-object,
// dead-letters the event.
#include <memory>

#include <fmt/format.h>

#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

struct Assignment {
  Path path;
  Expression value;
};

class SetStep final : public Step {
 public:
  explicit SetStep(std::vector<Assignment> assignments) : assignments_(std::move(assignments)) {}

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    for (const Assignment& assignment : assignments_) {
      values_.clear();
      assignment.value.evaluate(batch, values_, failures_);
      const std::span<const uint32_t> selection = batch.selection();
      for (size_t k = 0; k < selection.size(); ++k) {
        if (values_[k].is_missing()) continue;  // failed (in failures_) or a missing field read
        Status stored = batch.event(selection[k]).set(assignment.path, values_[k]);
        if (!stored.ok()) {
          failures_.push_back(EvalFailure{
              selection[k], Status(stored.code(), fmt::format("cannot set {}: {}",
                                                               assignment.path.text(),
                                                               stored.message()))});
        }
      }
      reject_failures(batch, failures_, index, outcome);
    }
  }

  void declare_fields(Projection& projection) const override {
    for (const Assignment& assignment : assignments_) {
      projection.add_path(assignment.path);
      pipeline::declare_fields(assignment.value, projection);
    }
  }

 private:
  std::vector<Assignment> assignments_;
  std::vector<Value> values_;
  std::vector<EvalFailure> failures_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  std::optional<std::vector<PathEntry>> entries = path_entries(
      args.options, args.path,
      "expected a map of field paths to expressions, such as {alarm: \"smoke ? 'smoke' : 'heat'\"}",
      args.diags);
  if (!entries.has_value()) return nullptr;
  std::vector<Assignment> assignments;
  bool compiled = true;  // every expression is compiled, so that each error is reported
  for (PathEntry& entry : *entries) {
    std::optional<Expression> value = compile_expression(entry.value, entry.path, args.diags);
    compiled = compiled && value.has_value();
    if (value.has_value()) assignments.push_back(Assignment{std::move(entry.field), std::move(*value)});
  }
  if (!compiled) return nullptr;
  return std::make_unique<SetStep>(std::move(assignments));
}

}  // namespace

StepDescriptor set_step() {
  return {"set", "stores the value of an expression in a field, for each field given", &build};
}

}  // namespace caudal::pipeline
