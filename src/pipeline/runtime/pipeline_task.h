// PipelineTask: one running pipeline. It owns every partition of its source topics and runs on
// its own thread (DESIGN.md, Threading): it reads record batches in-process from the log,
// decodes them into an EventBatch, runs the steps batch by batch (definition.h) and hands the
// results to its sinks (sinks/sink.h), which acknowledge asynchronously.
//
// Delivery (at-least-once): a source offset is committed to the CheckpointStore only after
// every sink, the dead-letter topic included, has acknowledged all events derived from the
// records before it (runtime/offset_tracker.h); commits happen every commit_interval and on
// stop. After a crash the task resumes from the committed offsets, so events after them are
// processed again. A failed sink write is written again after a pause (100 ms doubling up to
// 5 s), never dropped; meanwhile nothing after it is committed.
//
// Stateful pipelines (a threshold, window or dedupe step; steps keep keyed state in memory,
// state/step_state.h) checkpoint instead of committing: every checkpoint_interval the task
// takes a checkpoint, at a batch boundary, of the state changes since the last one and of
// every source's next offset. That state is exactly the effect of the records before those
// offsets. The checkpoint is written (one synced RocksDB batch, checkpoint_store.h) only once
// every sink, the dead-letter topic included, has acknowledged everything dispatched before
// it was taken, so what the state no longer holds (events of closed windows, activations
// already fired) has left the pipeline for good; meanwhile the task goes on processing, and
// goes on while the checkpoint is written, on a thread of its own (checkpoint_writer.h; one
// at a time: the next is taken once the last is written). At
// start the task restores the state and reads on from the checkpointed offsets: events after
// them are processed again from the same state, so window results and activations are neither
// lost nor counted twice, and outputs produced again carry the same deterministic ids (each
// step documents its id) for idempotent sinks. A failed write makes the next checkpoint carry
// the whole state. The offset commits above are not made for stateful pipelines: an offset
// without its state would skip the records the state needs. When idle, the task runs the
// steps over an empty batch every idle_wait (a tick), so processing-time windows and idle
// watermarks close windows without new events.
//
// A remote source (`from: {kafka: ...}`, runtime/remote_source.h): the same, with the offsets
// committed to the remote consumer group instead of the checkpoint store (stateless), or
// checkpointed with the state and then also sent to the group (stateful: a restart resumes at
// the checkpoint). A partition the group takes away first commits what is done of it.
//
// Backpressure: at most max_in_flight records are handed to any one sink and not yet
// acknowledged; the task stops reading until the sink catches up. A slow sink slows its
// pipeline (memory stays bounded), never an event loop, and never drops.
//
// Threads: open() and stop() from the owner's thread; the task's own thread does everything
// else. Sink callbacks may come from any thread: they only queue the acknowledgement.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/metrics/registry.h"
#include "common/result.h"
#include "log/log.h"
#include "pipeline/batch_output.h"
#include "pipeline/definition.h"
#include "pipeline/runtime/checkpoint_store.h"
#include "pipeline/runtime/checkpoint_writer.h"
#include "pipeline/runtime/offset_tracker.h"
#include "pipeline/runtime/pipeline_metrics.h"
#include "pipeline/runtime/source_reader.h"
#include "pipeline/sinks/sink.h"

namespace caudal::pipeline {

// Opens the partitions of a topic, creating the topic first when it does not exist: given by
// the composition root, which knows the settings new topics get.
using TopicOpener =
    std::function<Result<std::vector<std::shared_ptr<log::Partition>>>(std::string_view topic)>;

struct PipelineTaskOptions {
  TopicOpener open_topic;  // sources, topic sinks and the dead-letter topic
  CheckpointStore* checkpoints = nullptr;  // outlives the task
  metrics::Registry* metrics = nullptr;    // outlives the task
  Clock* clock = &SystemClock::instance();
  // Sinks other than topics (stdout, tables), by spec; null sinks are topics opened here.
  std::function<Result<std::unique_ptr<Sink>>(const SinkSpec& spec)> open_sink;
  // How long one wait for new data lasts before the task looks at acknowledgements and
  // commits again (it wakes at once when data or an acknowledgement arrives).
  Duration idle_wait = std::chrono::milliseconds(100);
  // How long stop() waits for sinks to acknowledge what they were given.
  Duration stop_grace = std::chrono::seconds(5);
};

class PipelineTask {
 public:
  // Resolves the sources (every partition of each `from` topic, created when missing) and their
  // committed offsets, opens the sinks and registers the metrics. Nothing runs until start().
  static Result<std::unique_ptr<PipelineTask>> open(std::unique_ptr<PipelineDefinition> definition,
                                                    PipelineTaskOptions options);
  // stop().
  ~PipelineTask();
  PipelineTask(const PipelineTask&) = delete;
  PipelineTask& operator=(const PipelineTask&) = delete;

  void start();
  // Stops reading, waits up to stop_grace for the sinks' acknowledgements, commits what they
  // acknowledged and joins the thread. Idempotent.
  void stop();

  const PipelineDefinition& definition() const { return *definition_; }

  // Answers with the state of `key` (its canonical JSON, state/state_key.h) in every stateful
  // step: {"pipeline":P,"key":K,"steps":[{"step":I,"kind":K,"entries":[...]}]}. `done` runs on
  // the task's thread at its next loop (or at once, when the task is not running). Any thread.
  void query_state(std::string key, std::function<void(std::string json)> done);

 private:
  // One batch's sink writes; touched by the task thread only.
  struct Delivery {
    uint64_t sequence = 0;  // dispatch order, for checkpoints
    std::vector<uint64_t> tickets;
    size_t remaining = 0;  // sink writes not acknowledged yet
  };
  struct Ack {
    std::shared_ptr<Delivery> delivery;
    size_t sink;  // index into sinks_ (the dead-letter sink last)
    std::shared_ptr<const SinkBatch> batch;
    Status status;
    Duration backoff{0};  // the pause before this write; 0 for a first write
  };
  struct Retry {
    std::chrono::steady_clock::time_point due;
    Ack ack;
  };
  // Shared with sink callbacks, which may outlive the task (a write still in flight at stop).
  struct StateQuery {
    std::string key;
    std::function<void(std::string)> done;
  };
  struct Inbox {
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<Ack> acks;
    std::vector<StateQuery> queries;
    bool answering = false;  // the task's thread runs and will answer queries
    bool data_arrived = false;
  };

  PipelineTask(std::unique_ptr<PipelineDefinition> definition, PipelineTaskOptions options);
  void run();
  // Reads up to batch_size records into batch_; false when there were none.
  bool read_batch(std::vector<std::pair<size_t, log::Offset>>& read_to);
  std::vector<Source>& sources() { return reader_->sources(); }
  void process_and_dispatch(const std::vector<std::pair<size_t, log::Offset>>& read_to);
  void write(size_t sink, std::shared_ptr<const SinkBatch> batch, std::shared_ptr<Delivery> delivery,
             Duration backoff);
  void handle_acks(std::vector<Ack>& acks);
  void retry_due();
  void wait_for_data();
  bool sinks_full() const;
  void commit();
  // A remote source (runtime/remote_source.h): commits the acknowledged offsets to the group,
  // waiting up to `wait` for the answer (at stop).
  void commit_remote(Duration wait);
  // RemoteSource's hooks: a partition assigned for the first time; partitions about to be
  // revoked (commits what is done of them, forgets the rest).
  void remote_source_added(size_t source);
  void remote_revoking(const std::vector<size_t>& sources);
  void update_lag();
  // Stateful pipelines: restores the steps' state from the checkpoint store.
  Status restore_state();
  // Takes a checkpoint when one is due, writes the pending one once its outputs are acknowledged.
  void checkpoint_when_due();
  void take_checkpoint();
  // Writes the pending checkpoint and waits for it (at stop).
  void write_checkpoint_now();
  // Records a written checkpoint's offsets, or makes the next one carry the whole state.
  void finish_checkpoint(const CheckpointWriter::Written& written);
  bool checkpoint_acknowledged() const;
  void tick();
  void answer_queries();
  std::string describe_state(std::string_view key);

  std::unique_ptr<PipelineDefinition> definition_;
  PipelineTaskOptions options_;
  std::unique_ptr<SourceReader> reader_;
  std::vector<std::unique_ptr<Sink>> sinks_;  // by sink id, then the dead-letter sink
  std::vector<size_t> in_flight_;             // records per sink, task thread only
  std::unique_ptr<PipelineMetrics> metrics_;
  OffsetTracker tracker_;
  std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  std::deque<Retry> retries_;
  std::chrono::steady_clock::time_point next_commit_;
  bool stateful_ = false;
  uint64_t next_sequence_ = 1;
  std::set<uint64_t> unacknowledged_;  // deliveries not fully acknowledged, by sequence
  struct PendingCheckpoint {
    Checkpoint checkpoint;
    uint64_t barrier = 0;  // deliveries up to this sequence must be acknowledged first
  };
  std::optional<PendingCheckpoint> pending_;
  std::unique_ptr<CheckpointWriter> writer_;  // stateful pipelines
  std::chrono::steady_clock::time_point next_checkpoint_;
  std::chrono::steady_clock::time_point next_tick_;

  EventBatch batch_;
  BatchOutcome outcome_;
  BatchOutput output_;
  std::vector<StepCounts> counts_;

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace caudal::pipeline
