// BatchOutput: turns what the steps made of one batch (the events each sink gets, the dead
// letters) into the bytes each sink is given: one SinkBatch per sink, events as JSON lines,
// keys evaluated from the sink's key expression, and one SinkBatch of dead-letter envelopes.
// Shared by the runtime and `caudal pipeline test`.
//
// A key that fails to evaluate (or is null for a table) dead-letters the event for that sink
// only: the other sinks still get it.
//
// One owner, one thread (the pipeline task's); reused batch after batch.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "pipeline/definition.h"
#include "pipeline/sinks/sink.h"

namespace caudal::pipeline {

class BatchOutput {
 public:
  explicit BatchOutput(const PipelineDefinition& definition) : definition_(definition) {}

  // Fresh batches: sinks()[id] for each sink, and dead_letters(). `outcome` is the result of
  // definition.run(batch, ...).
  void build(EventBatch& batch, const BatchOutcome& outcome);

  // Adds the envelope of a record that never became an event (not a JSON object).
  void add_undecodable(const SourcePosition& source, std::string_view bytes,
                       std::string_view reason);

  std::vector<std::shared_ptr<SinkBatch>>& sinks() { return sinks_; }
  std::shared_ptr<SinkBatch>& dead_letters() { return dead_letters_; }
  // Starts over with empty batches (for records added with add_undecodable before build()).
  void reset();

 private:
  void add_dead_letter(const Event& event, std::string_view reason, const DeadLetter* step,
                       std::string_view sink);

  const PipelineDefinition& definition_;
  std::vector<std::shared_ptr<SinkBatch>> sinks_;
  std::shared_ptr<SinkBatch> dead_letters_ = std::make_shared<SinkBatch>();
  std::string key_;  // scratch
  // Bytes per record each sink got in the last batch: the next batch's buffer is reserved from
  // it, so records are written once, not again by every doubling of the buffer.
  std::vector<size_t> record_bytes_;
};

}  // namespace caudal::pipeline
