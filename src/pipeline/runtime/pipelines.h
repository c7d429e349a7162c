// Pipelines: every pipeline of a configuration, running. The composition root starts them
// after the log and the tables they use, and stops them before either closes.
//
// start() compiles every pipeline first (a configuration error stops everything before any
// pipeline runs: config::Errc::kInvalid listing every problem), then opens the checkpoint store
// (<state_dir>/pipelines), creates the topics the pipelines read and write when missing, and
// starts one PipelineTask (one thread) per pipeline. stop() stops them all, each committing
// what its sinks acknowledged.
//
// Threads: start() and stop() from the owner's thread.
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
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

class Pipelines {
 public:
  static Result<std::unique_ptr<Pipelines>> start(const config::Config& config,
                                                  PipelinesOptions options);
  ~Pipelines();
  Pipelines(const Pipelines&) = delete;
  Pipelines& operator=(const Pipelines&) = delete;

  // Idempotent.
  void stop();
  size_t size() const { return tasks_.size(); }
  // The pipeline `name`, or nullptr; valid as long as this object (after stop() too).
  PipelineTask* find(std::string_view name) const;

 private:
  Pipelines() = default;

  std::unique_ptr<CheckpointStore> checkpoints_;
  std::vector<std::unique_ptr<PipelineTask>> tasks_;
};

}  // namespace caudal::pipeline
