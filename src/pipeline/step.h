// Step: one stage of a pipeline's `steps:` list (docs/pipelines.md), built once from its
// options when the pipeline is compiled and then called once per batch of events.
//
// Contract of process(): it works on batch.selection() only, and removes from the selection
// every event it drops (filter, drop), dead-letters (a failure, recorded in the outcome) or
// routes away (route). The selection stays ascending. Events left selected go on to the next
// step. A step never throws and never stops the pipeline because of an event.
//
// Threads: a step belongs to one pipeline task and is called from its thread only, so it may
// keep per-batch scratch space (and, from issue 7 on, keyed state) without locks. Steps of
// `caudal pipeline test` run the same way on the CLI's thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pipeline/event/event_batch.h"
#include "pipeline/event/projection.h"
#include "pipeline/expr/expression.h"
#include "pipeline/sink_spec.h"
#include "pipeline/state/step_state.h"

namespace caudal::pipeline {

// An event a step could not process.
struct DeadLetter {
  uint32_t event = 0;
  uint32_t step = 0;  // index in the pipeline's steps; kSinkStep for a sink's key
  std::string reason;
};

// A dead letter raised while writing to a sink (its key expression failed), not by a step.
inline constexpr uint32_t kSinkStep = UINT32_MAX;

// Where the events of one batch went other than down the steps. Reused batch after batch.
class BatchOutcome {
 public:
  void reset(size_t sink_count);

  void dead_letter(uint32_t event, uint32_t step, std::string reason) {
    dead_letters_.push_back(DeadLetter{event, step, std::move(reason)});
  }
  void route(uint32_t event, SinkId sink) { routed_[sink.value()].push_back(event); }

  const std::vector<DeadLetter>& dead_letters() const { return dead_letters_; }
  // The events sent to `sink`, in the order they were sent.
  std::vector<uint32_t>& events_for(SinkId sink) { return routed_[sink.value()]; }
  const std::vector<uint32_t>& events_for(SinkId sink) const { return routed_[sink.value()]; }

 private:
  std::vector<DeadLetter> dead_letters_;
  std::vector<std::vector<uint32_t>> routed_;  // by sink id
};

class Step {
 public:
  virtual ~Step() = default;
  // `index` is the step's position in the pipeline, for dead letters.
  virtual void process(EventBatch& batch, uint32_t index, BatchOutcome& outcome) = 0;
  // The step's keyed state (threshold, window, dedupe), or null for a stateless step. A
  // stateful step may also add events to the batch (a window's results) and select them;
  // it is called with empty batches too (the runtime's ticks), so timers on processing time
  // and idle watermarks fire without new events.
  virtual StepState* state() { return nullptr; }

  // Adds to `projection` every top-level field the step reads or writes, so the pipeline's
  // events can be decoded with only those (event/projection.h). The default asks for the whole
  // event: right for any step, and the only right answer for one whose fields come from data.
  virtual void declare_fields(Projection& projection) const { projection.add_everything(); }
};

// Adds the fields `expression` reads to `projection`, and binds the expression to their slots
// there (Expression::bind_slots).
void declare_fields(const Expression& expression, Projection& projection);

// Dead-letters the events of `failures` (from Expression::evaluate) and takes them out of the
// selection; `failures` is cleared. Events in `failures` must be selected.
void reject_failures(EventBatch& batch, std::vector<EvalFailure>& failures, uint32_t index,
                     BatchOutcome& outcome);

// Dead-letters the events of `failures` that Expression::filter already took out of the
// selection; `failures` is cleared.
void record_failures(std::vector<EvalFailure>& failures, uint32_t index, BatchOutcome& outcome);

}  // namespace caudal::pipeline
