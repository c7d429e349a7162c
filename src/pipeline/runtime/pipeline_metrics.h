// The metrics of one pipeline (docs/pipelines.md §Metrics), registered once when the task
// opens and updated by its thread only (the instruments themselves are atomic, so a scrape
// reads them from any thread):
//
//   caudal_pipeline_events_in_total{pipeline}            events read from the sources
//   caudal_pipeline_events_out_total{pipeline}           events handed to sinks (each once)
//   caudal_pipeline_dropped_total{pipeline}              removed by filter/drop/lookup
//   caudal_pipeline_dead_lettered_total{pipeline}
//   caudal_pipeline_errors_total{pipeline}               failed sink writes (written again)
//   caudal_pipeline_processing_seconds{pipeline}         steps + serialization, per batch
//   caudal_pipeline_commits_total{pipeline}
//   caudal_pipeline_step_events_{in,out}_total{pipeline,step}
//   caudal_pipeline_step_{dropped,dead_lettered}_total{pipeline,step}
//   caudal_pipeline_sink_events_total{pipeline,sink}     records acknowledged by the sink
//   caudal_pipeline_sink_errors_total{pipeline,sink}
//   caudal_pipeline_sink_in_flight{pipeline,sink}        records handed over, not acknowledged
//   caudal_pipeline_lag_offsets{pipeline,topic,partition}  high watermark - next offset to read
//   caudal_pipeline_lag_seconds{pipeline,topic,partition}  age of the last record read while
//                                                          behind; 0 when caught up
//   caudal_pipeline_source_errors_total{pipeline}        problems reading a remote source
//                                                        (cluster unreachable, failed commits)
// Stateful pipelines (threshold, window, dedupe) also:
//   caudal_pipeline_checkpoints_total{pipeline}          state + offsets checkpoints written
//   caudal_pipeline_checkpoint_seconds{pipeline}         time to write one (the synced write)
//   caudal_pipeline_state_entries{pipeline,step}         keys (windows) held by a step
//   caudal_pipeline_state_bytes{pipeline,step}           their approximate size in memory
#pragma once

#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "log/types.h"
#include "pipeline/definition.h"

namespace caudal::pipeline {

struct StepMetrics {
  metrics::Counter* in;
  metrics::Counter* out;
  metrics::Counter* dropped;
  metrics::Counter* dead_lettered;
};

struct SinkMetrics {
  metrics::Counter* events;
  metrics::Counter* errors;
  metrics::Gauge* in_flight;
};

struct StateMetrics {
  metrics::Gauge* entries;
  metrics::Gauge* bytes;
};

struct SourceMetrics {
  metrics::Gauge* lag_offsets;
  metrics::Gauge* lag_seconds;
};

struct PipelineMetrics {
  PipelineMetrics(metrics::Registry& registry, const PipelineDefinition& definition,
                  const std::vector<log::TopicPartition>& sources);

  metrics::Counter& events_in;
  metrics::Counter& events_out;
  metrics::Counter& dropped;
  metrics::Counter& dead_lettered;
  metrics::Counter& errors;
  metrics::Counter& commits;
  // `order: time`: records older than one processed before them (runtime/source_reader.h).
  metrics::Counter& out_of_order;
  metrics::Counter& source_errors;
  metrics::Histogram& processing_seconds;
  std::vector<StepMetrics> steps;    // by step index
  std::vector<SinkMetrics> sinks;    // by sink id, then the dead-letter sink last
  std::vector<SourceMetrics> sources;  // by source index
  metrics::Counter& checkpoints;
  metrics::Histogram& checkpoint_seconds;
  std::vector<StateMetrics> states;  // by step index; null gauges for stateless steps

  // The metrics of one more source partition (a remote one the group assigned).
  void add_source(metrics::Registry& registry, const std::string& pipeline, const log::TopicPartition& source);

  // Adds the step counts of one batch (and resets them).
  void add(std::vector<StepCounts>& counts);
};

}  // namespace caudal::pipeline
