// A partition: an ordered, durable sequence of Kafka v2 record batches, stored as received in
// segment files under `<data>/topics/<topic>/<partition>/`. Formats and recovery rules:
// docs/log-format.md. The Kafka listener, the HTTP gateway and pipelines all go through it.
//
// Offsets, visibility and durability
//   - append() validates a batch, assigns it the next offsets (patching its base offset and
//     setting its partition leader epoch to 0; nothing else is re-encoded) and writes it to
//     the active segment.
//   - The high watermark (HWM) is the offset after the last batch readers may see. Readers see
//     exactly the batches below it, and a batch is acknowledged exactly when the HWM passes it.
//   - flush=always: the HWM passes a batch only after an fdatasync covering it (group commit:
//     one fdatasync completes every append written before it started; a round may wait up to
//     half the last fdatasync's time, at most 2 ms, for the appenders the previous round
//     acknowledged to append again). Acknowledged means durable.
//   - flush=interval(d) / none: the HWM passes a batch as soon as it is written to the page
//     cache; acknowledged means visible, durable at most d later (interval) or at the next
//     segment roll or clean close (none). A power loss can lose that window; a process crash
//     loses nothing (the page cache survives it).
//   - The log start offset is the base offset of the oldest segment; retention moves it
//     forward by deleting whole segments. Reads below it fail with kOffsetOutOfRange.
//
// Threads
//   - append() may be called from any thread; appends to one partition are serialized by an
//     internal mutex. Completion callbacks run either inline in append() (errors, and policies
//     other than always) or on a flusher thread; they must be quick and must not block.
//   - Reads (read, read_ranges, find_offset_by_timestamp, the offset getters) never wait for
//     an append: the high watermark and the index entries are published with atomics, and
//     the segment list is an immutable snapshot (copying its pointer takes a mutex that only
//     segment rolls and retention share). Any number may run alongside appends.
//   - A reader waits for new data either by blocking (wait_for_data) or, for event loops, by a
//     one-shot watch() callback, so no thread is parked per waiting consumer.
//
// Errors are log::Errc values whose messages start with "topic <t> partition <p>".
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/file_system.h"
#include "common/result.h"
#include "log/flusher.h"
#include "log/producer_state.h"
#include "log/read_result.h"
#include "log/segment.h"
#include "log/topic_settings.h"
#include "log/types.h"

namespace caudal::log {

struct PartitionOptions {
  // All three must outlive the partition.
  FileSystem* fs = nullptr;
  Clock* clock = nullptr;
  Flusher* flusher = nullptr;
  // One index entry per this many bytes of log.
  uint32_t index_interval_bytes = 4096;
  // While data is being synced, the recovery point is persisted at most this often (and at
  // every segment roll): it bounds how much an open after a crash has to check.
  Duration recovery_point_interval = std::chrono::seconds(10);
};

struct AppendResult {
  Offset base_offset;  // offset of the batch's first record
  Offset last_offset;  // offset of its last record
  Offset log_start_offset;
  // The batch repeated one of its idempotent producer's last batches: nothing was stored, and
  // the offsets are those of the original.
  bool duplicate = false;
};

// Called exactly once per append with the outcome.
using AppendCallback = std::function<void(const Result<AppendResult>&)>;

struct RetentionResult {
  size_t segments_deleted = 0;
  uint64_t bytes_deleted = 0;
  Offset log_start_offset;
};

struct PartitionStats {
  Offset log_start_offset;
  Offset high_watermark;
  uint64_t size_bytes = 0;  // all segments' committed bytes
  size_t segment_count = 0;
  uint64_t records_appended = 0;  // since open
  uint64_t bytes_appended = 0;    // since open
  uint64_t flushes = 0;           // fdatasync rounds since open
};

class Partition final : public FlushTarget, public std::enable_shared_from_this<Partition> {
 public:
  // Opens (creating if needed) the partition in `dir` and recovers it (partition_recovery.h).
  // Lines about what recovery did are appended to `notes`, each prefixed with the topic and
  // partition. After it returns, everything in the log is durable and readable.
  static Result<std::shared_ptr<Partition>> open(TopicPartition id, std::filesystem::path dir,
                                                 const TopicSettings& settings,
                                                 const PartitionOptions& options,
                                                 std::vector<std::string>* notes);
  // Closes the partition if close() was not called (see close()).
  ~Partition();
  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  const TopicPartition& id() const { return id_; }
  const TopicSettings& settings() const { return settings_; }

  // ---- appends ----

  // Appends one v2 batch. `batch` is only read during the call (the bytes are in the file
  // when it returns), so the caller may reuse its buffer at once. `done` gets the assigned
  // offsets once the flush policy is met (see the file comment), or the error:
  //   kCorruptBatch / kUnsupportedFormat  the batch failed validate_batch(); nothing written
  //   kBatchTooLarge                      larger than max_message_bytes; nothing written
  //   kStorage                            the disk refused (ENOSPC, EIO); nothing of the
  //                                       batch is visible, and once space returns appends
  //                                       succeed again. After a failed fdatasync the
  //                                       partition refuses appends until it is reopened.
  //   kClosed                             the partition is closed (or its topic deleted)
  //   kOutOfOrderSequence / kInvalidProducerEpoch / kUnsupportedFormat
  //                                       the idempotent producer checks (producer_state.h),
  //                                       made atomically with the append; nothing written
  // A batch repeating one of its producer's last five batches is answered with the original's
  // offsets (AppendResult::duplicate) once the original is acknowledged; nothing is written.
  void append(ByteView batch, AppendCallback done);
  // The same, blocking until the outcome is known.
  Result<AppendResult> append(ByteView batch);

  // ---- reads: lock-free, any thread ----

  Offset high_watermark() const { return Offset(high_watermark_.load(std::memory_order_acquire)); }
  Offset log_start_offset() const;

  // Whole batches from the one holding `from` on, copied out and checked (length, offsets,
  // CRC), at most `max_bytes` of them, but always the first whole batch even if larger (so a
  // consumer always makes progress). Stops at the high watermark. Errors:
  //   kOffsetOutOfRange  `from` is below the log start offset or above the high watermark
  //                      (reading exactly at the high watermark returns no batches)
  //   kCorruptData       the first batch to return is damaged; the message gives topic,
  //                      partition, the offset range and the segment file and byte. Damage
  //                      after good batches ends the read early; the next read reports it.
  //   kStorage           a read from the file failed
  Result<BatchRead> read(Offset from, size_t max_bytes) const;
  // Like read(), but returns byte ranges of the segment files instead of copies, for
  // sendfile(2). Checks lengths and offsets of the batches, not their CRCs.
  Result<FileRead> read_ranges(Offset from, size_t max_bytes) const;
  // The first batch below the high watermark whose max_timestamp is >= `timestamp` (Kafka's
  // ListOffsets by time, at batch granularity: records older than `timestamp` may precede
  // the wanted one inside that batch), or nullopt if there is none.
  Result<std::optional<TimestampLookup>> find_offset_by_timestamp(int64_t timestamp) const;

  // ---- waiting for data ----

  // Blocks until the high watermark is above `offset` (a read at `offset` returns data), the
  // timeout passes, or the partition closes. Returns the high watermark it last saw.
  Offset wait_for_data(Offset offset, Duration timeout);
  // Event-loop form: calls `notify` once, when the high watermark passes `offset` or the
  // partition closes. Returns nullopt, without registering, when that is already so (the
  // caller reads right away). `notify` runs on the appending or flushing thread: it must only
  // hand the news on (post to an event loop) and must not call unwatch().
  std::optional<uint64_t> watch(Offset offset, std::function<void()> notify);
  // Cancels a watch (the caller's deadline passed). False if it already fired or is firing:
  // `notify` may then be running on another thread at this very moment, so it must only touch
  // state that outlives the caller (capture a weak_ptr, post to an executor).
  bool unwatch(uint64_t watch_id);

  // ---- maintenance ----

  // Makes everything appended so far durable now, whatever the flush policy.
  Status flush();
  // Deletes segments past the topic's retention time (judged by their newest batch
  // timestamp) or beyond retention_bytes, oldest first, never the active segment (one whose
  // time is up is rolled first). Readers holding a deleted segment finish their reads.
  Result<RetentionResult> enforce_retention();
  // Stops accepting appends, syncs everything, completes every waiting append, seals the
  // active segment's index and records a clean shutdown. Idempotent. Readers may continue.
  void close();

  PartitionStats stats() const;

  // FlushTarget: the flusher's entry point.
  void run_flush() override;

 private:
  using SegmentList = std::vector<std::shared_ptr<Segment>>;

  struct PendingAppend {
    Offset last;
    AppendResult result;
    AppendCallback done;
  };
  struct Watch {
    Offset offset;
    std::function<void()> notify;
  };

  Partition(TopicPartition id, std::filesystem::path dir, const TopicSettings& settings,
            const PartitionOptions& options, SegmentList segments, ProducerStateTable producers);

  std::string where() const;
  // kOffsetOutOfRange unless log_start <= from <= high_watermark.
  Status check_read_offset(Offset from, Offset log_start, Offset high_watermark) const;
  Status context(const Status& s) const { return s.with_context(where()); }
  // The segment walk behind read() and read_ranges() (defined in partition.cc, its only user).
  template <typename Read, typename Collect>
  Result<Read> walk_segments(Offset from, Collect collect) const;

  // All with mutex_ held.
  Status roll_locked(std::chrono::system_clock::time_point now);
  bool should_roll_locked(uint64_t batch_size, int64_t last_offset,
                          std::chrono::system_clock::time_point now) const;
  void publish_segments_locked();
  void commit_locked(Offset through);
  void schedule_flush_locked(Duration delay);
  // The answer to a duplicate batch: now if the original is acknowledged, else when it is
  // (queued behind it; `done` is taken). mutex_ held.
  std::optional<Result<AppendResult>> answer_duplicate_locked(const ProducerBatch& original,
                                                              AppendCallback& done);

  enum class FlushReason {
    kScheduled,  // the flusher's round: under flush=none only rolled segments are synced
    kExplicit,   // flush(): everything, and the recovery point is persisted
    kClose,      // close(): everything
  };
  // Syncs what is written, completes the appends it covers, seals rolled segments and, when
  // due, persists the recovery point. flush_mutex_ held.
  Status flush_locked(FlushReason reason);
  // flush=always: lets appenders acknowledged by the last round join this one. mutex_ held.
  void gather_appends_locked(std::unique_lock<std::mutex>& lock);
  Status write_recovery_point_locked(bool clean_shutdown);

  // Wakes blocked readers and fires watches after the high watermark moved or on close.
  void notify_readers();

  TopicPartition id_;
  std::filesystem::path dir_;
  TopicSettings settings_;
  PartitionOptions options_;

  // Readers' view: an immutable segment list, swapped on roll and retention. The mutex is
  // held only to copy the pointer; appends never take it.
  std::shared_ptr<const SegmentList> segment_snapshot() const;
  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const SegmentList> published_segments_;
  std::atomic<int64_t> high_watermark_;
  std::atomic<bool> closed_{false};
  std::atomic<uint64_t> records_appended_{0};
  std::atomic<uint64_t> bytes_appended_{0};
  std::atomic<uint64_t> flushes_{0};

  // Serializes flushes, recovery-point writes and close. Taken before mutex_, never after.
  std::mutex flush_mutex_;
  std::chrono::steady_clock::time_point last_recovery_point_write_;
  bool recovery_point_due_ = false;  // a rolled segment was sealed since the last write

  // The writer's state.
  mutable std::mutex mutex_;
  SegmentList segments_;
  Offset log_end_offset_;  // next offset to assign
  ProducerStateTable producers_;
  std::deque<PendingAppend> pending_;
  Status failed_;  // sticky, after a failed fdatasync
  bool flush_scheduled_ = false;
  // Group commit pacing (flush=always): how many appends the last round saw, how long its
  // fdatasync took, and a flusher waiting for appends to gather.
  size_t expected_appends_ = 0;
  Duration last_sync_duration_{0};
  bool flusher_waiting_ = false;
  std::condition_variable appended_;
  std::chrono::steady_clock::time_point scheduled_due_;
  bool directory_dirty_ = false;  // a segment file was created since the last directory sync

  // Readers waiting for data.
  std::mutex wait_mutex_;
  std::condition_variable data_arrived_;
  std::atomic<int> listeners_{0};  // blocked waiters plus registered watches
  std::map<uint64_t, Watch> watches_;
  uint64_t next_watch_id_ = 1;
};

}  // namespace caudal::log
