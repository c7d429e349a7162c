// Error codes of the pipeline runtime: definitions that do not compile, state that cannot be
// read or written, events a step cannot process (the message is the dead-letter reason).
// See common/errc.h for the pattern.
#pragma once

#include <system_error>

namespace caudal::pipeline {

enum class PipelineErrc {
  kInvalidDefinition = 1,  // a pipeline in caudal.yaml is wrong; the message lists every problem
  kStorage,                // the checkpoint store cannot be read or written
  kCorruptState,           // a stored checkpoint entry does not decode
  kEventFailed,            // a step could not process an event; the message is the reason
  kUnknownPipeline,        // no pipeline of that name in the configuration
  kStopped,                // the pipeline is stopping
};

const std::error_category& pipeline_error_category();

inline std::error_code make_error_code(PipelineErrc e) {
  return {static_cast<int>(e), pipeline_error_category()};
}

}  // namespace caudal::pipeline

template <>
struct std::is_error_code_enum<caudal::pipeline::PipelineErrc> : std::true_type {};
