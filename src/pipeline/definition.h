// PipelineDefinition: one pipeline of caudal.yaml compiled, ready to run: its source topics,
// its steps built from the step registry (expressions compiled, regexes and tables resolved),
// and its sinks. Compiling checks everything the config module leaves to the pipeline module
// (`from`, `steps`, `to`, docs/pipelines.md) and reports every problem the way the config
// loader does: one Status, one `file:line:column: key.path: message` line per problem.
//
// run() is the whole per-batch work of the steps, shared by the runtime (pipeline_task.h) and
// `caudal pipeline test` (test_run.h), so both behave the same.
//
// Threads: compiled on any thread; then owned and run by one thread (steps keep scratch space).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "config/config.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/sink_spec.h"
#include "pipeline/state/state_key.h"
#include "pipeline/step.h"

namespace caudal::table {
class Catalog;
}  // namespace caudal::table

namespace caudal::pipeline {

// Events through one step since the counts were taken.
struct StepCounts {
  uint64_t in = 0;
  uint64_t out = 0;
  uint64_t dropped = 0;
  uint64_t dead_lettered = 0;
  uint64_t routed = 0;
};

// The order in which the records of a pipeline's source partitions are processed
// (runtime/source_reader.h): as read, partition by partition, or by record timestamp.
enum class SourceOrder { kArrival, kTime };

struct PipelineDefinition {
  std::string name;
  std::vector<std::string> sources;  // topic names, in the order given (remote ones for `remote`)
  // Set when the pipeline reads a remote Kafka cluster (`from: {kafka: ...}`,
  // runtime/remote_source.h) instead of local topics.
  std::optional<config::KafkaSourceConfig> remote;
  bool start_latest = false;
  SourceOrder order = SourceOrder::kArrival;
  std::string dead_letter_topic;
  std::vector<std::string> step_names;  // by step index
  std::vector<std::unique_ptr<Step>> steps;
  std::vector<SinkSpec> sinks;  // `to:` sinks and the topics of route steps
  std::vector<SinkId> to;       // the sinks of `to:`, in order
  uint32_t batch_size = 1024;
  uint32_t max_in_flight = 65536;
  Duration commit_interval = std::chrono::seconds(1);
  // Stateful pipelines: how often state and offsets are checkpointed together.
  Duration checkpoint_interval = std::chrono::seconds(1);
  StateScope state_scope;
  // The top-level fields the steps and sinks read or write: events are decoded with only
  // these (EventBatch::set_projection).
  Projection projection;

  // Whether any step keeps state (then the runtime checkpoints instead of committing).
  bool stateful() const;

  // Runs every step over batch.selection(). Afterwards `outcome` holds the dead letters and,
  // per sink, the events it gets (routed ones, then the events that passed every step for
  // each `to:` sink); `counts` (one per step) is added to.
  void run(EventBatch& batch, BatchOutcome& outcome, std::vector<StepCounts>& counts) const;
};

// Compiles the pipeline `name` of `config`. `catalog` holds the lookup tables (null: none).
// config::Errc::kInvalid listing every problem; PipelineErrc::kUnknownPipeline.
Result<std::unique_ptr<PipelineDefinition>> compile_pipeline(const config::Config& config,
                                                             std::string_view name,
                                                             table::Catalog* catalog);

// Every pipeline of `config`, in name order, or one Status listing the problems of all.
Result<std::vector<std::unique_ptr<PipelineDefinition>>> compile_pipelines(
    const config::Config& config, table::Catalog* catalog);

}  // namespace caudal::pipeline
