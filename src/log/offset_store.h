// OffsetStore: the durable record of committed consumer offsets, one per
// (group, topic, partition), with the committer's metadata string, leader epoch and commit
// time. The Kafka group coordinator (OffsetCommit/OffsetFetch) and pipelines (their source
// positions) keep their progress here. Storage: a RocksDB database of its own; key and value
// encoding in docs/record-batches.md §Consumer offsets.
//
// Durability and visibility: when commit(), delete_group() or delete_topic() returns OK, the
// change is synced to disk (a RocksDB write with sync) and visible to every later fetch from
// any thread. A commit is atomic: all of its offsets become visible and durable together, or
// none do.
//
// Thread-safety: every method may be called from any thread concurrently (RocksDB
// serialises writes). delete_topic() scans and then deletes, so an offset committed for the
// topic while it runs may survive it: stop committing for a topic before deleting it.
// The store takes RocksDB's lock on its directory, so a second open of the same path, in
// this or another process, fails until the first store is destroyed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "log/types.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace caudal::log {

struct CommittedOffset {
  TopicPartition topic_partition;
  // The next offset the group will consume (Kafka's convention), not the last one consumed.
  Offset offset;
  // Kafka's committed leader epoch; -1 when the committer did not give one.
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp_ms = 0;

  friend bool operator==(const CommittedOffset&, const CommittedOffset&) = default;
};

class OffsetStore {
 public:
  // Opens the store at `path`, creating the directory and the database when missing.
  // Errc::kStorage when RocksDB cannot open it (held by another store, unreadable, ...).
  static Result<std::unique_ptr<OffsetStore>> open(const std::filesystem::path& path);

  ~OffsetStore();
  OffsetStore(const OffsetStore&) = delete;
  OffsetStore& operator=(const OffsetStore&) = delete;

  // Stores `offsets` for `group`, replacing earlier commits of the same partitions; later
  // entries win over earlier ones for the same partition. Atomic and durable on return.
  // Group and topic names may hold any bytes. Errc::kStorage on a write failure.
  Status commit(std::string_view group, std::span<const CommittedOffset> offsets);

  // The group's committed offset for one partition; nullopt when none was committed.
  // Errc::kStorage on a read failure, Errc::kCorruptData when the stored entry is malformed.
  Result<std::optional<CommittedOffset>> fetch(std::string_view group,
                                               const TopicPartition& topic_partition) const;

  // Every committed offset of the group, ordered by topic then partition.
  Result<std::vector<CommittedOffset>> fetch_group(std::string_view group) const;

  // The groups with at least one committed offset, in byte order.
  Result<std::vector<std::string>> list_groups() const;

  // Drops every committed offset of the group (a no-op for an unknown group). Durable on
  // return.
  Status delete_group(std::string_view group);

  // Drops the committed offsets of `topic` in every group, as when the topic is deleted.
  // Returns how many were dropped. Durable on return.
  Result<size_t> delete_topic(std::string_view topic);

  const std::filesystem::path& path() const { return path_; }

 private:
  OffsetStore(std::filesystem::path path, std::unique_ptr<rocksdb::DB> db);

  std::filesystem::path path_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace caudal::log
