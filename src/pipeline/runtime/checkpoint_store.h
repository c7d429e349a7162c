// CheckpointStore: where pipelines keep their progress, in a RocksDB database of their own
// (`<data_dir>/state/pipelines`). Today a checkpoint is the source offsets of one pipeline:
// for each source partition, the next offset to process (everything before it has been taken
// by every sink). Keyed state (issue 7: key_by, threshold, window) joins the Checkpoint struct
// and is written in the same RocksDB write batch, so state and offsets can never disagree.
//
// Encoding (docs/pipelines.md §Checkpoints):
//   key   'o' | be32 len(pipeline) | pipeline | be32 len(topic) | topic | be32 partition^2^31
//   value u8 version (1) | be64 next offset
//
// Durability and visibility: when commit() returns OK the checkpoint is synced to disk and
// visible to load_offsets() from any thread; a commit is atomic (all or nothing).
// Thread-safety: any method from any thread (RocksDB serialises writes). The database is
// locked by RocksDB: one store per directory per machine.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "log/types.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace caudal::pipeline {

struct SourceOffset {
  log::TopicPartition source;
  log::Offset next;  // the next offset to process
};

struct Checkpoint {
  std::string pipeline;
  std::vector<SourceOffset> offsets;
};

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

 private:
  explicit CheckpointStore(std::unique_ptr<rocksdb::DB> db);

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace caudal::pipeline
