// CheckpointStore: where pipelines keep their progress, in a RocksDB database of their own
// (`<data_dir>/state/pipelines`). A checkpoint is the source offsets of one pipeline (for each
// source partition, the next offset to process) and, for stateful pipelines, the changes to
// the keyed state of its steps since the previous checkpoint (state/step_state.h). Both go in
// one RocksDB write batch, so state and offsets can never disagree: the stored state is
// exactly the effect of the records before the stored offsets.
//
// Encoding (docs/pipelines.md §Checkpoints):
//   offsets  key   'o' | be32 len(pipeline) | pipeline | be32 len(topic) | topic | be32 partition^2^31
//            value u8 version (1) | be64 next offset
//   state    key   's' | be32 len(pipeline) | pipeline | be32 step index | be32 len(kind) | kind |
//                  the step's own key (state_key.h)
//            value the step's own encoding
//
// Durability and visibility: when commit() returns OK the checkpoint is synced to disk and
// visible to load_offsets() from any thread; a commit is atomic (all or nothing).
// Thread-safety: any method from any thread (RocksDB serialises writes). The database is
// locked by RocksDB: one store per directory per machine.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "log/types.h"
#include "pipeline/state/step_state.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace caudal::pipeline {

struct SourceOffset {
  log::TopicPartition source;
  log::Offset next;  // the next offset to process
};

// The state changes of one step: `kind` is its step name, so the state of a step that is no
// longer the same kind at that index (the pipeline was edited) is not fed to the new step.
struct StepDelta {
  uint32_t step = 0;
  std::string kind;
  StateDelta writes;
};

struct Checkpoint {
  std::string pipeline;
  std::vector<SourceOffset> offsets;
  std::vector<StepDelta> state;
};

// Called for each stored state entry of a pipeline, in key order.
using StateVisitor = std::function<Status(uint32_t step, std::string_view kind, std::string_view key,
                                          std::string_view value)>;

class CheckpointStore {
 public:
  // Opens (creating when missing) the database at `path`. kStorage when RocksDB refuses.
  static Result<std::unique_ptr<CheckpointStore>> open(const std::filesystem::path& path);
  ~CheckpointStore();
  CheckpointStore(const CheckpointStore&) = delete;
  CheckpointStore& operator=(const CheckpointStore&) = delete;

  // Replaces the offsets of the partitions it names. Atomic, synced. kStorage on failure.
  Status commit(const Checkpoint& checkpoint);
  // The committed next offsets of `pipeline`'s source partitions; empty when it never
  // committed. kStorage, kCorruptState.
  Result<std::map<log::TopicPartition, log::Offset>> load_offsets(std::string_view pipeline) const;
  // Visits every stored state entry of `pipeline`; stops at the first error `visit` returns.
  // kStorage, kCorruptState.
  Status load_state(std::string_view pipeline, const StateVisitor& visit) const;

 private:
  explicit CheckpointStore(std::unique_ptr<rocksdb::DB> db);

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace caudal::pipeline
