// A segment: one `<base-offset>.log` file of v2 record batches stored as received, plus its
// sparse `<base-offset>.index` (segment_index.h). Layout and recovery rules:
// docs/log-format.md.
//
// Bytes move through three stages, each a prefix of the next:
//   committed <= synced-or-not <= written
// Written bytes are in the file (page cache) but not visible; committed bytes are visible to
// readers, indexed, and never change again. Under flush=always a batch is committed only
// after an fdatasync covering it; under the other policies right after it is written. Whether
// bytes are durable is the partition's business (it tracks what it has synced).
//
// Ownership: a Partition owns its segments through shared_ptr; readers and file ranges handed
// to callers hold references too, so a segment deleted by retention stays readable until the
// last reader lets go (its files are unlinked at deletion; the descriptor stays valid).
//
// Thread-safety: the writer-side methods are called by one thread at a time (the partition
// holds its mutex); committed_size(), index() and the file are safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/file_system.h"
#include "common/result.h"
#include "log/segment_index.h"
#include "log/types.h"

namespace caudal::log {

// What the writer knows about a batch it wrote, kept until the batch is committed.
struct BatchMeta {
  Offset base;
  Offset last;
  uint64_t position = 0;
  uint64_t size = 0;
  int64_t max_timestamp = -1;
};

// How recovery left a segment (see Segment::recover).
struct SegmentRecovery {
  uint64_t valid_size = 0;  // bytes kept
  uint64_t cut_bytes = 0;   // bytes removed from the tail
  std::string cut_reason;   // why they were removed (empty when nothing was cut)
  bool index_rebuilt = false;
  // Set when the walk of trusted bytes met damage: the segment's batches after this position
  // could not be indexed (reads of them report the damage).
  std::optional<uint64_t> damaged_at;
  std::string damage;
};

class Segment {
 public:
  // Names of a segment's files: the base offset as 20 zero-padded digits, like Kafka.
  static std::string log_file_name(Offset base);
  static std::string index_file_name(Offset base);
  // The base offset encoded in a `.log` file name; nullopt for any other name.
  static std::optional<Offset> parse_log_file_name(std::string_view name);

  // Creates the files of a new, empty segment. Fails if a segment with this base exists.
  static Result<std::shared_ptr<Segment>> create(FileSystem& fs, const std::filesystem::path& dir,
                                                 Offset base, uint32_t index_interval_bytes,
                                                 std::chrono::system_clock::time_point now);
  // Opens an existing segment; nothing in it is trusted until recover() ran.
  static Result<std::shared_ptr<Segment>> open(FileSystem& fs, const std::filesystem::path& dir,
                                               Offset base, uint32_t index_interval_bytes,
                                               std::chrono::system_clock::time_point now);

  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  Offset base_offset() const { return base_; }
  const std::filesystem::path& log_path() const { return log_path_; }
  // The .log file, shared so that file ranges given to callers keep it open.
  const std::shared_ptr<File>& file() const { return file_; }

  // ---- readers: any thread ----

  // Bytes visible to readers. Loaded with acquire order: everything below it is written and
  // indexed before the value is published.
  uint64_t committed_size() const { return committed_size_.load(std::memory_order_acquire); }
  const SegmentIndex& index() const { return index_; }
  // Largest batch timestamp among committed batches; -1 if none carries one.
  int64_t max_timestamp() const { return index_.max_timestamp(); }

  // ---- writer: one thread at a time ----

  uint64_t written_size() const { return written_size_; }
  // The offset after the last batch written (committed or not).
  Offset next_offset() const { return next_offset_; }
  bool empty() const { return written_size_ == 0; }
  // When the first batch was written (or the segment was opened): segment_age counts from it.
  std::chrono::system_clock::time_point first_write_time() const { return first_write_time_; }

  // Writes one batch, `header` (its first 61 bytes, already patched with offset and epoch)
  // then `body`, at the end of the file; `meta.position` is filled in here. On failure
  // nothing becomes part of the segment: a partly written batch is truncated away (and if even
  // that fails, it is overwritten by the next write, or cut by recovery after a crash).
  Status write(ByteView header, ByteView body, BatchMeta meta,
               std::chrono::system_clock::time_point now);
  // Makes every written batch up to and including `last` visible (indexes it, then publishes
  // the new committed size).
  void commit_through(Offset last);

  // Bytes known to be on disk, and the offset of the batch that starts there; maintained by
  // the partition's flush. Always a batch boundary.
  uint64_t synced_size() const { return synced_size_; }
  Offset synced_next_offset() const { return synced_next_offset_; }
  void mark_synced(uint64_t size, Offset next_offset) {
    synced_size_ = size;
    synced_next_offset_ = next_offset;
  }

  // Writes index entries not yet in the .index file. No fsync: the index is a cache.
  Status persist_index();
  // Persists the index and syncs the index file, once the segment is rolled and all of it is
  // committed, or the log is closed cleanly: a later open then finds a complete index.
  Status seal_index();
  bool index_sealed() const { return index_sealed_.load(); }
  // Deletes the segment's files. Readers holding the segment keep reading the open file.
  Status remove_files();

  // Establishes the segment's state from its files after an open. Bytes [0, trusted_end) are
  // known good (they lie before the partition's recovery point): the index file is loaded
  // where consistent and the batch headers after its last entry are walked to complete it.
  // Bytes from trusted_end on are checked batch by batch (length, CRC, offsets following on
  // from the base offset) and the file is truncated at the first bad batch. Damage met while
  // walking trusted bytes is cut the same way when `cut_damage` (the partition's last
  // segment, which must end cleanly to be appended to), and only reported otherwise.
  Result<SegmentRecovery> recover(uint64_t trusted_end, bool cut_damage);

 private:
  Segment(FileSystem& fs, std::filesystem::path dir, Offset base, uint32_t index_interval_bytes,
          std::shared_ptr<File> file, std::chrono::system_clock::time_point now);
  Status open_index_file();

  FileSystem& fs_;
  std::filesystem::path dir_;
  Offset base_;
  std::filesystem::path log_path_;
  std::filesystem::path index_path_;
  std::shared_ptr<File> file_;
  std::unique_ptr<File> index_file_;
  SegmentIndex index_;

  std::atomic<uint64_t> committed_size_{0};
  uint64_t written_size_ = 0;
  uint64_t synced_size_ = 0;
  Offset synced_next_offset_;
  Offset next_offset_;
  std::deque<BatchMeta> uncommitted_;
  // Cleared by commits (the appending thread), set by seal_index() (the flushing thread).
  std::atomic<bool> index_sealed_{false};
  std::chrono::system_clock::time_point first_write_time_;
};

}  // namespace caudal::log
