#include "pipeline/step.h"

#include <algorithm>

namespace caudal::pipeline {

void BatchOutcome::reset(size_t sink_count) {
  dead_letters_.clear();
  routed_.resize(sink_count);
  for (std::vector<uint32_t>& events : routed_) events.clear();
}

void declare_fields(const Expression& expression, Projection& projection) {
  for (const Path& path : expression.fields()) projection.add_path(path);
  expression.bind_slots(projection);
}

void record_failures(std::vector<EvalFailure>& failures, uint32_t index, BatchOutcome& outcome) {
  for (EvalFailure& failure : failures) {
    outcome.dead_letter(failure.event, index, failure.reason.message());
  }
  failures.clear();
}

void reject_failures(EventBatch& batch, std::vector<EvalFailure>& failures, uint32_t index,
                     BatchOutcome& outcome) {
  if (failures.empty()) return;
  std::vector<uint32_t>& selection = batch.mutable_selection();
  std::vector<uint32_t> failed;
  failed.reserve(failures.size());
  for (const EvalFailure& failure : failures) failed.push_back(failure.event);
  std::sort(failed.begin(), failed.end());
  std::erase_if(selection, [&failed](uint32_t event) {
    return std::binary_search(failed.begin(), failed.end(), event);
  });
  record_failures(failures, index, outcome);
}

}  // namespace caudal::pipeline
