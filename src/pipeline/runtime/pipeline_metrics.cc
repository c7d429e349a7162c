#include "pipeline/runtime/pipeline_metrics.h"

#include <fmt/format.h>

namespace caudal::pipeline {

PipelineMetrics::PipelineMetrics(metrics::Registry& registry, const PipelineDefinition& definition,
                                 const std::vector<log::TopicPartition>& source_partitions)
    : events_in(registry.counter("caudal_pipeline_events_in_total", "events read from the sources", {"pipeline"}).with({definition.name})),
      events_out(registry.counter("caudal_pipeline_events_out_total", "events handed to sinks", {"pipeline"}).with({definition.name})),
      dropped(registry.counter("caudal_pipeline_dropped_total", "events removed by steps", {"pipeline"}).with({definition.name})),
      dead_lettered(registry.counter("caudal_pipeline_dead_lettered_total", "events sent to the dead-letter topic", {"pipeline"}).with({definition.name})),
      errors(registry.counter("caudal_pipeline_errors_total", "failed sink writes, written again", {"pipeline"}).with({definition.name})),
      commits(registry.counter("caudal_pipeline_commits_total", "source offset commits", {"pipeline"}).with({definition.name})),
      out_of_order(registry.counter("caudal_pipeline_out_of_order_total",
                                    "order: time: records processed after a newer one (stamped out of order)",
                                    {"pipeline"})
                       .with({definition.name})),
      source_errors(registry.counter("caudal_pipeline_source_errors_total",
                                     "problems reading a remote source (cluster unreachable, failed commits)",
                                     {"pipeline"})
                        .with({definition.name})),
      processing_seconds(registry.histogram("caudal_pipeline_processing_seconds",
                                            "time to run the steps over a batch and serialize it",
                                            {"pipeline"},
                                            {0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1})
                             .with({definition.name})),
      checkpoints(registry.counter("caudal_pipeline_checkpoints_total", "state and offsets checkpoints written", {"pipeline"}).with({definition.name})),
      checkpoint_seconds(registry.histogram("caudal_pipeline_checkpoint_seconds",
                                            "time to write one checkpoint of state and offsets",
                                            {"pipeline"},
                                            {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5})
                             .with({definition.name})) {
  for (size_t i = 0; i < definition.steps.size(); ++i) {
    const metrics::LabelValues labels{definition.name, fmt::format("{}:{}", i, definition.step_names[i])};
    states.push_back(definition.steps[i]->state() == nullptr ? StateMetrics{nullptr, nullptr} : StateMetrics{
        &registry.gauge("caudal_pipeline_state_entries", "keys (and windows) a stateful step holds", {"pipeline", "step"}).with(labels),
        &registry.gauge("caudal_pipeline_state_bytes", "approximate memory of a stateful step's state", {"pipeline", "step"}).with(labels),
    });
    steps.push_back(StepMetrics{
        &registry.counter("caudal_pipeline_step_events_in_total", "events into a step", {"pipeline", "step"}).with(labels),
        &registry.counter("caudal_pipeline_step_events_out_total", "events out of a step to the next", {"pipeline", "step"}).with(labels),
        &registry.counter("caudal_pipeline_step_dropped_total", "events a step removed", {"pipeline", "step"}).with(labels),
        &registry.counter("caudal_pipeline_step_dead_lettered_total", "events a step dead-lettered", {"pipeline", "step"}).with(labels),
    });
  }
  auto add_sink = [&](const std::string& label) {
    const metrics::LabelValues labels{definition.name, label};
    sinks.push_back(SinkMetrics{
        &registry.counter("caudal_pipeline_sink_events_total", "records a sink acknowledged", {"pipeline", "sink"}).with(labels),
        &registry.counter("caudal_pipeline_sink_errors_total", "failed writes to a sink", {"pipeline", "sink"}).with(labels),
        &registry.gauge("caudal_pipeline_sink_in_flight", "records handed to a sink, not acknowledged yet", {"pipeline", "sink"}).with(labels),
    });
  };
  for (const SinkSpec& sink : definition.sinks) add_sink(sink.label());
  add_sink(definition.dead_letter_topic);
  for (const log::TopicPartition& source : source_partitions) add_source(registry, definition.name, source);
}

void PipelineMetrics::add_source(metrics::Registry& registry, const std::string& pipeline,
                                 const log::TopicPartition& source) {
  const metrics::LabelValues labels{pipeline, source.topic, fmt::format("{}", source.partition.value())};
  sources.push_back(SourceMetrics{
      &registry.gauge("caudal_pipeline_lag_offsets", "records of a source partition not read yet", {"pipeline", "topic", "partition"}).with(labels),
      &registry.gauge("caudal_pipeline_lag_seconds", "age of the last record read while behind", {"pipeline", "topic", "partition"}).with(labels),
  });
}

void PipelineMetrics::add(std::vector<StepCounts>& counts) {
  for (size_t i = 0; i < counts.size(); ++i) {
    StepCounts& c = counts[i];
    steps[i].in->inc(c.in);
    steps[i].out->inc(c.out);
    steps[i].dropped->inc(c.dropped);
    steps[i].dead_lettered->inc(c.dead_lettered);
    dropped.inc(c.dropped);
    c = StepCounts{};
  }
}

}  // namespace caudal::pipeline
