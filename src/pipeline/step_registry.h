// The one list of step kinds a pipeline may use, each with the factory that builds it from its
// options. Adding a step (issue 7's key_by, threshold, window, dedupe) is one file under
// steps/ with its descriptor, and one line in step_registry.cc.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/node.h"
#include "pipeline/sink_spec.h"
#include "pipeline/state/state_key.h"
#include "pipeline/step.h"

namespace caudal::table {
class Catalog;
}  // namespace caudal::table

namespace caudal::pipeline {

// What a factory may use besides its options. Lives while the pipeline is compiled.
struct StepBuildContext {
  // Where `lookup` finds its tables; null where there are none (then lookup reports it).
  table::Catalog* catalog = nullptr;
  // The pipeline's sinks so far; `route` adds the topics it sends to (add_topic_sink).
  std::vector<SinkSpec>* sinks = nullptr;
  // The pipeline's name and source topics (filled before the steps are built), for the
  // deterministic ids of events stateful steps emit.
  std::string_view pipeline;
  const std::vector<std::string>* sources = nullptr;
  // The key of the last `key_by` step so far (null: none); stateful steps without a `key:`
  // of their own use it.
  std::shared_ptr<KeySelector> key_by;
  // How the pipeline's state is grouped (owned by the PipelineDefinition; set by the runtime).
  const StateScope* scope = nullptr;
};

// The id of the unkeyed topic sink for `topic`, added to `sinks` when not there yet.
SinkId add_topic_sink(std::vector<SinkSpec>& sinks, std::string_view topic);

struct StepArgs {
  const config::Node& options;  // the value under the step's name
  std::string path;             // its key path, for messages ("pipelines.p.steps[2].set")
  config::Diagnostics& diags;
  StepBuildContext& context;
};

struct StepDescriptor {
  std::string_view name;
  std::string_view summary;  // one line, for `caudal pipeline steps` and docs
  // Builds the step, or reports every problem to args.diags and returns nullptr.
  std::unique_ptr<Step> (*build)(StepArgs& args);
};

std::span<const StepDescriptor> step_registry();

// The descriptor named `name`, or nullptr.
const StepDescriptor* find_step(std::string_view name);

}  // namespace caudal::pipeline
