// StepState: the keyed state of one stateful step (threshold, window, dedupe), as the runtime
// sees it. The step keeps its state in memory (hash maps, one entry per key and, for windows,
// per window) and changes it while it processes a batch; the runtime takes what changed since
// the last checkpoint as a delta and writes it, with the source offsets up to which that state
// is complete, in one RocksDB write batch (runtime/checkpoint_store.h). At start the runtime
// hands every stored entry back through restore() before the first batch.
//
// Keys: a step's state keys are its own bytes (state_key.h: the state group, the key's
// canonical JSON and, for windows, the window); the empty key is the step's meta entry
// (watermarks, counters).
//
// Threads: the pipeline task's thread only, like the step itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pipeline/state/state_delta.h"

namespace caudal::pipeline {

class StepState {
 public:
  virtual ~StepState() = default;

  // Appends every entry changed since the last call (deletions first, so a key deleted and
  // created again ends stored) and forgets them as changed.
  virtual void take_delta(StateDelta& out) = 0;
  // Marks every entry changed: the last delta taken was not written, so the next one must
  // carry the whole state.
  virtual void mark_all_changed() = 0;
  // Loads one stored entry. kCorruptState when the value does not decode.
  virtual Status restore(std::string_view key, std::string_view value) = 0;

  // Entries held (keys, windows) and their approximate size in memory, for metrics.
  virtual size_t entries() const = 0;
  virtual size_t bytes() const = 0;

  // Appends a JSON array of the entries of `key` (its canonical JSON, state_key.h), each an
  // object describing the state, to `out`; `[]` when there is none. For the state API.
  virtual void inspect(std::string_view key, std::string& out) const = 0;
};

}  // namespace caudal::pipeline
