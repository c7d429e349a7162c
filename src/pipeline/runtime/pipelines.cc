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
  std::unique_ptr<Pipelines> out(new Pipelines());
  CAUDAL_ASSIGN_OR_RETURN(auto definitions, compile_pipelines(config, options.catalog));
  if (definitions.empty()) return out;
  CAUDAL_ASSIGN_OR_RETURN(out->checkpoints_, CheckpointStore::open(options.state_dir / "pipelines"));
  log::Log* log = options.log;
  table::Catalog* catalog = options.catalog;
  std::FILE* stream = options.stdout_stream;
  const log::TopicSettings settings = options.new_topic_settings;
  for (std::unique_ptr<PipelineDefinition>& definition : definitions) {
    PipelineTaskOptions task;
    task.open_topic = [log, settings](std::string_view topic) { return open_topic(*log, settings, topic); };
    task.checkpoints = out->checkpoints_.get();
    task.metrics = options.metrics;
    task.open_sink = [catalog, stream, log, settings, metrics = options.metrics, pipeline = definition->name,
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
    CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<PipelineTask> started,
                            PipelineTask::open(std::move(definition), std::move(task)));
    started->start();
    spdlog::info("pipeline {} started", name);
    out->tasks_.push_back(std::move(started));
  }
  return out;
}

void Pipelines::stop() {
  for (std::unique_ptr<PipelineTask>& task : tasks_) task->stop();
}

PipelineTask* Pipelines::find(std::string_view name) const {
  for (const std::unique_ptr<PipelineTask>& task : tasks_) {
    if (task->definition().name == name) return task.get();
  }
  return nullptr;
}

}  // namespace caudal::pipeline
