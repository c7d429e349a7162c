#include "pipeline/state/step_key.h"

namespace caudal::pipeline {

std::optional<StepKey> StepKey::build(StepOptions& options, StepArgs& args, bool required) {
  StepKey out;
  const config::Node* node = options.node("key", false);
  if (node != nullptr) {
    out.selector_ = KeySelector::build(*node, options.child("key"), args.diags);
    out.own_ = true;
    if (out.selector_ == nullptr) return std::nullopt;
    return out;
  }
  out.selector_ = args.context.key_by;
  if (out.selector_ == nullptr && required) {
    args.diags.error(args.options.position, args.path,
                     "the step needs a key: give it `key:` or put a `key_by` step before it");
    return std::nullopt;
  }
  return out;
}

}  // namespace caudal::pipeline
