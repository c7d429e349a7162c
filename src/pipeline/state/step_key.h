// The key of a stateful step: its own `key:` option when given, otherwise the key of the last
// `key_by` step before it. The selector of a `key:` option is evaluated by the step itself;
// a key_by's is evaluated by the key_by step and only read here.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "pipeline/state/state_key.h"
#include "pipeline/step_options.h"
#include "pipeline/step_registry.h"

namespace caudal::pipeline {

class StepKey {
 public:
  // Reads `key:` (known to `options`). Without one and without a key_by before the step:
  // reported when `required`, else every event shares the key null.
  static std::optional<StepKey> build(StepOptions& options, StepArgs& args, bool required);

  // Evaluates the step's own key for the selected events (failures appended); nothing for a
  // key_by's key, which that step evaluated.
  void compute(EventBatch& batch, std::vector<EvalFailure>& failures) {
    if (own_ && selector_ != nullptr) selector_->compute(batch, failures);
  }
  // The key of `event`: "null" without a key; nullopt when its key failed or it came after.
  std::optional<std::string_view> key(uint32_t event) const {
    if (selector_ == nullptr) return std::string_view("null");
    return selector_->key(event);
  }
  // hash_key_json(*key(event)) when key(event) has a value (computed once, by the selector),
  // else any value.
  uint64_t hash(uint32_t event) const {
    if (selector_ == nullptr) return null_hash_;
    return selector_->hash(event);
  }
  void write_fields(EventBatch& batch, std::string_view key_json, std::string& out) const {
    if (selector_ != nullptr) {
      selector_->write_fields(batch, key_json, out);
    } else {
      out.append("\"key\":null");
    }
  }

 private:
  std::shared_ptr<KeySelector> selector_;
  bool own_ = false;
  uint64_t null_hash_ = hash_key_json("null");
};

}  // namespace caudal::pipeline
