// Pipelines: every pipeline of a configuration, running. The composition root starts them
// after the log and the tables they use, and stops them before either closes.
//
// start() compiles every pipeline first (a configuration error stops everything before any
// pipeline runs: config::Errc::kInvalid listing every problem), then opens the checkpoint store
// (<state_dir>/pipelines), creates the topics the pipelines read and write when missing, and
// starts one PipelineTask (one thread) per pipeline. stop() stops them all, each committing
// what its sinks acknowledged.
//
// apply() moves the running set to another configuration (a reload): again everything is
// compiled first, and a configuration with errors changes nothing. Then pipelines whose
// configuration is unchanged keep running untouched; changed ones stop (committing, or writing
// their last checkpoint) and start again under the new definition from what they committed;
// new ones start; removed ones stop.
//
// Threads: start(), apply() and stop() from one owner thread at a time; find() from any thread.
#pragma once

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "config/config.h"
#include "log/log.h"
#include "log/topic_settings.h"
#include "pipeline/runtime/checkpoint_store.h"
#include "pipeline/runtime/pipeline_task.h"
#include "table/catalog.h"

namespace caudal::pipeline {

struct PipelinesOptions {
  log::Log* log = nullptr;              // outlives the pipelines
  table::Catalog* catalog = nullptr;    // lookups and table sinks; outlives the pipelines
  metrics::Registry* metrics = nullptr;
  log::TopicSettings new_topic_settings;  // for topics created because a pipeline uses them
  std::filesystem::path state_dir;        // <data_dir>/state
  std::FILE* stdout_stream = stdout;      // the stdout sink's stream
};

// What apply() did, by pipeline name (sorted).
struct PipelinesChange {
  std::vector<std::string> started;    // new in the configuration
  std::vector<std::string> restarted;  // their configuration changed
  std::vector<std::string> stopped;    // gone from the configuration
  std::vector<std::string> unchanged;  // kept running, never paused
  // Pipelines that could not start under the new configuration (stopped, with the reason).
  std::vector<std::pair<std::string, std::string>> failed;
};

class Pipelines {
 public:
  static Result<std::unique_ptr<Pipelines>> start(const config::Config& config,
                                                  PipelinesOptions options);
  ~Pipelines();
  Pipelines(const Pipelines&) = delete;
  Pipelines& operator=(const Pipelines&) = delete;

  // See the class comment. config::Errc::kInvalid listing every problem, and nothing changed.
  Result<PipelinesChange> apply(const config::Config& config);

  // Idempotent.
  void stop();
  size_t size() const;
  // The running pipeline `name`, or nullptr. Holding it keeps the task alive (a reload that
  // replaces it stops it first; queries to a stopped task are still answered).
  std::shared_ptr<PipelineTask> find(std::string_view name) const;

 private:
  struct Running {
    config::PipelineConfig config;
    std::shared_ptr<PipelineTask> task;
  };

  explicit Pipelines(PipelinesOptions options) : options_(std::move(options)) {}
  Status open_checkpoints();
  Result<std::shared_ptr<PipelineTask>> launch(std::unique_ptr<PipelineDefinition> definition);

  PipelinesOptions options_;
  std::unique_ptr<CheckpointStore> checkpoints_;
  mutable std::mutex mutex_;  // guards running_ against find(); apply() and stop() hold it briefly
  std::map<std::string, Running, std::less<>> running_;
};

}  // namespace caudal::pipeline
