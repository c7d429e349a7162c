// `key_by: EXPR` (or a list of expressions) gives every event a key; the stateful steps after
// it (threshold, window, dedupe) keep their state per key, each key independent. Events pass
// through unchanged; an event whose key expression fails is dead-lettered.
#include <memory>

#include "pipeline/state/state_key.h"
#include "pipeline/steps/steps.h"

namespace caudal::pipeline {
namespace {

class KeyByStep final : public Step {
 public:
  explicit KeyByStep(std::shared_ptr<KeySelector> selector) : selector_(std::move(selector)) {}

  void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) override {
    selector_->compute(batch, failures_);
    reject_failures(batch, failures_, index, outcome);
  }

 private:
  std::shared_ptr<KeySelector> selector_;
  std::vector<EvalFailure> failures_;
};

std::unique_ptr<Step> build(StepArgs& args) {
  std::shared_ptr<KeySelector> selector = KeySelector::build(args.options, args.path, args.diags);
  if (selector == nullptr) return nullptr;
  args.context.key_by = selector;
  return std::make_unique<KeyByStep>(std::move(selector));
}

}  // namespace

StepDescriptor key_by_step() {
  return {"key_by", "gives each event a key; the stateful steps after it keep state per key", &build};
}

}  // namespace caudal::pipeline
