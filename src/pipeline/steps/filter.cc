// `filter: CONDITION` keeps the events for which the condition is true; `drop: CONDITION`
// removes them. A condition that is null or missing counts as false (so `drop` keeps such
// events, and `filter` drops them); one that fails, or is not a boolean, dead-letters the event.
#include <memory>

#include "pipeline/step_options.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

class FilterStep final : public Step {
 public:
  FilterStep(Expression condition, bool keep_when)
      : condition_(std::move(condition)), keep_when_(keep_when) {}

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    condition_.filter(batch, keep_when_, failures_);
    record_failures(failures_, index, outcome);
  }

  void declare_fields(Projection& projection) const override {
    pipeline::declare_fields(condition_, projection);
  }

 private:
  Expression condition_;
  bool keep_when_;
  std::vector<EvalFailure> failures_;
};

template <bool kKeepWhen>
std::unique_ptr<Step> build(StepArgs& args) {
  std::optional<Expression> condition = compile_expression(args.options, args.path, args.diags);
  if (!condition.has_value()) return nullptr;
  return std::make_unique<FilterStep>(std::move(*condition), kKeepWhen);
}

}  // namespace

StepDescriptor filter_step() {
  return {"filter", "keeps the events for which a condition is true", &build<true>};
}

StepDescriptor drop_step() {
  return {"drop", "removes the events for which a condition is true", &build<false>};
}

}  // namespace caudal::pipeline
