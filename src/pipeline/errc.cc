#include "pipeline/errc.h"

#include <string>

namespace caudal::pipeline {
namespace {

class PipelineCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pipeline"; }
  std::string message(int code) const override {
    switch (static_cast<PipelineErrc>(code)) {
      case PipelineErrc::kInvalidDefinition: return "invalid_definition";
      case PipelineErrc::kStorage: return "storage";
      case PipelineErrc::kCorruptState: return "corrupt_state";
      case PipelineErrc::kEventFailed: return "event_failed";
      case PipelineErrc::kUnknownPipeline: return "unknown_pipeline";
      case PipelineErrc::kStopped: return "stopped";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& pipeline_error_category() {
  static const PipelineCategory category;
  return category;
}

}  // namespace caudal::pipeline
