#include "pipeline/runtime/pipelines.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "log/errc.h"
#include "pipeline/connectors/registry.h"
#include "pipeline/sinks/stdout_sink.h"
#include "pipeline/sinks/table_sink.h"
#include "pipeline/sinks/topic_sink.h"

namespace caudal::pipeline {
namespace {

Result<std::vector<std::shared_ptr<log::Partition>>> open_topic(log::Log& log,
                                                                 const log::TopicSettings& settings,
                                                                 std::string_view topic) {
  Result<log::TopicDescription> description = log.describe_topic(topic);
  if (!description.ok()) {
    Status created = log.create_topic(topic, settings);
    // Another pipeline (or a client) creating it at the same moment is fine.
    if (!created.ok() && created.code() != log::Errc::kTopicExists) return created;
    if (created.ok()) spdlog::info("created topic {} for a pipeline", topic);
    CAUDAL_ASSIGN_OR_RETURN(description, log.describe_topic(topic));
  }
  std::vector<std::shared_ptr<log::Partition>> partitions;
  for (size_t p = 0; p < description->partitions.size(); ++p) {
    CAUDAL_ASSIGN_OR_RETURN(auto partition,
                            log.partition(topic, log::PartitionId(static_cast<int32_t>(p))));
    partitions.push_back(std::move(partition));
  }
  return partitions;
}

}  // namespace

Pipelines::~Pipelines() { stop(); }

Result<std::unique_ptr<Pipelines>> Pipelines::start(const config::Config& config,
                                                    PipelinesOptions options) {
  std::unique_ptr<Pipelines> out(new Pipelines(std::move(options)));
  CAUDAL_ASSIGN_OR_RETURN(auto definitions, compile_pipelines(config, out->options_.catalog));
  for (std::unique_ptr<PipelineDefinition>& definition : definitions) {
    const std::string name = definition->name;
    CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<PipelineTask> task, out->launch(std::move(definition)));
    std::lock_guard lock(out->mutex_);
    out->running_.emplace(name, Running{config.pipelines.at(name), std::move(task)});
  }
  return out;
}

Status Pipelines::open_checkpoints() {
  if (checkpoints_) return Status();
  CAUDAL_ASSIGN_OR_RETURN(checkpoints_, CheckpointStore::open(options_.state_dir / "pipelines"));
  return Status();
}

Result<std::shared_ptr<PipelineTask>> Pipelines::launch(std::unique_ptr<PipelineDefinition> definition) {
  CAUDAL_RETURN_IF_ERROR(open_checkpoints());
  log::Log* log = options_.log;
  table::Catalog* catalog = options_.catalog;
  std::FILE* stream = options_.stdout_stream;
  const log::TopicSettings settings = options_.new_topic_settings;
  PipelineTaskOptions task;
  task.open_topic = [log, settings](std::string_view topic) { return open_topic(*log, settings, topic); };
  task.checkpoints = checkpoints_.get();
  task.metrics = options_.metrics;
  task.open_sink = [catalog, stream, log, settings, metrics = options_.metrics, pipeline = definition->name,
                    dead_letter_topic = definition->dead_letter_topic](const SinkSpec& spec) -> Result<std::unique_ptr<Sink>> {
    if (spec.kind == SinkSpec::Kind::kStdout) return std::unique_ptr<Sink>(std::make_unique<StdoutSink>(stream));
    if (spec.kind == SinkSpec::Kind::kConnector) {
      // A connector writes the events it gives up to the dead-letter topic from its own thread.
      CAUDAL_ASSIGN_OR_RETURN(auto dead, open_topic(*log, settings, dead_letter_topic));
      return connectors::open_connector_sink(spec, pipeline, std::make_unique<TopicSink>(dead_letter_topic, std::move(dead)),
                                             *metrics);
    }
    CAUDAL_ASSIGN_OR_RETURN(table::MaterializedTable* table, catalog->materialized(spec.name));
    return std::unique_ptr<Sink>(std::make_unique<TableSink>(*table));
  };
  const std::string name = definition->name;
  CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<PipelineTask> opened,
                          PipelineTask::open(std::move(definition), std::move(task)));
  opened->start();
  spdlog::info("pipeline {} started", name);
  return std::shared_ptr<PipelineTask>(std::move(opened));
}

Result<PipelinesChange> Pipelines::apply(const config::Config& config) {
  CAUDAL_ASSIGN_OR_RETURN(auto definitions, compile_pipelines(config, options_.catalog));
  PipelinesChange change;
  std::map<std::string, Running, std::less<>> before;
  {
    std::lock_guard lock(mutex_);
    before = running_;
  }
  for (const auto& [name, running] : before) {
    if (config.pipelines.contains(name)) continue;
    running.task->stop();
    {
      std::lock_guard lock(mutex_);
      running_.erase(name);
    }
    spdlog::info("pipeline {} stopped: it is no longer in the configuration", name);
    change.stopped.push_back(name);
  }
  for (std::unique_ptr<PipelineDefinition>& definition : definitions) {
    const std::string name = definition->name;
    const config::PipelineConfig& wanted = config.pipelines.at(name);
    auto old = before.find(name);
    if (old != before.end() && old->second.config == wanted) {
      change.unchanged.push_back(name);
      continue;
    }
    if (old != before.end()) {
      // Its last commit or checkpoint is where the new definition starts from.
      old->second.task->stop();
      std::lock_guard lock(mutex_);
      running_.erase(name);
    }
    Result<std::shared_ptr<PipelineTask>> task = launch(std::move(definition));
    if (!task.ok()) {
      spdlog::error("pipeline {} could not start under the new configuration: {}", name,
                    task.status().message());
      change.failed.emplace_back(name, task.status().message());
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      running_.emplace(name, Running{wanted, std::move(task).value()});
    }
    (old != before.end() ? change.restarted : change.started).push_back(name);
  }
  return change;
}

void Pipelines::stop() {
  std::map<std::string, Running, std::less<>> running;
  {
    std::lock_guard lock(mutex_);
    running = running_;
  }
  for (auto& [name, entry] : running) entry.task->stop();
}

size_t Pipelines::size() const {
  std::lock_guard lock(mutex_);
  return running_.size();
}

std::shared_ptr<PipelineTask> Pipelines::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = running_.find(name);
  return it == running_.end() ? nullptr : it->second.task;
}

}  // namespace caudal::pipeline
