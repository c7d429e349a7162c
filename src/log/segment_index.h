// The sparse index of one segment: every `interval` bytes of log, one entry with the batch's
// offset, its byte position and the largest batch timestamp seen in the segment so far. It
// answers both lookups the log needs: "where does the batch holding offset X start" (offset
// index) and "where to start looking for the first batch with a timestamp >= T" (time index).
// File format and rebuild rules: docs/log-format.md §Index files.
//
// The index is a cache of facts that can be recomputed from the .log file: a missing,
// truncated or inconsistent index file is rebuilt by walking the batch headers, never trusted.
//
// Thread-safety: add_batch() and the persistence calls are made by one thread at a time (the
// partition's writer, or its flusher, under the partition's locks); lookups are lock-free from
// any thread and see every entry published before they start.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/file_system.h"
#include "log/published_array.h"
#include "log/types.h"

namespace caudal::log {

struct IndexEntry {
  uint32_t relative_offset = 0;  // batch base offset minus the segment's base offset
  uint32_t position = 0;         // where the batch starts in the .log file
  int64_t max_timestamp = -1;    // largest batch max_timestamp in the segment up to this batch
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

// A place to start scanning the .log file: a batch boundary and the offset of that batch.
struct IndexPoint {
  Offset offset;
  uint64_t position = 0;
};

class SegmentIndex {
 public:
  static constexpr size_t kEntrySize = 16;

  SegmentIndex(Offset base_offset, uint32_t interval_bytes)
      : base_offset_(base_offset), interval_bytes_(interval_bytes) {}

  // Records a batch that just became visible. Batches come in log order. Indexes the batch
  // when at least `interval` bytes lie between it and the previous entry (the first batch of
  // the segment is implicitly indexed at position 0).
  void add_batch(Offset base, uint64_t position, int64_t max_timestamp);
  // No more entries fit; the segment must be rolled.
  bool full() const { return entries_.full(); }

  // Last entry at or before `target`'s batch, or the segment start.
  IndexPoint floor(Offset target) const;
  // Last entry at or before byte `position`, or the segment start.
  IndexPoint floor_position(uint64_t position) const;
  // Last entry whose max_timestamp is below `timestamp`: every batch before it is older than
  // `timestamp`, so the first batch with max_timestamp >= `timestamp` lies at or after it.
  IndexPoint before_timestamp(int64_t timestamp) const;
  // Largest batch timestamp recorded so far (-1 if none).
  int64_t max_timestamp() const { return max_timestamp_.load(std::memory_order_acquire); }

  size_t entry_count() const { return entries_.size(); }
  IndexEntry entry(size_t i) const { return entries_[i]; }

  // ---- persistence (writer side) ----

  // Appends the entries not yet written to `file` (no fsync: the file is a cache).
  Status write_new_entries(File& file);
  // Decodes an index file and keeps the longest prefix that is consistent: strictly growing
  // offsets and positions, non-decreasing timestamps, positions below `size_limit`. Replaces
  // the current entries (recovery only, before any reader exists) and returns how many were
  // kept; the caller then resumes with add_batch() after the last kept entry's batch.
  size_t load(ByteView file_bytes, uint64_t size_limit);
  // Keeps only the first `count` entries (recovery only). Entries written to the file beyond
  // `count` are overwritten by later write_new_entries() calls.
  void truncate(size_t count);

 private:
  // The point of the count-th entry (1-based), or the segment start for 0.
  IndexPoint point_before(size_t count) const;

  Offset base_offset_;
  uint32_t interval_bytes_;
  PublishedArray<IndexEntry> entries_;
  std::atomic<int64_t> max_timestamp_{-1};
  uint64_t last_indexed_position_ = 0;
  size_t persisted_count_ = 0;
};

}  // namespace caudal::log
