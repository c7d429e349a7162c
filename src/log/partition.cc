#include "log/partition.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "log/errc.h"
#include "log/partition_recovery.h"
#include "log/record_batch_header.h"
#include "log/segment_reader.h"

namespace caudal::log {
namespace {

int64_t to_millis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<std::shared_ptr<Partition>> Partition::open(TopicPartition id, std::filesystem::path dir,
                                                   const TopicSettings& settings,
                                                   const PartitionOptions& options,
                                                   std::vector<std::string>* notes) {
  CAUDAL_CHECK(options.fs != nullptr && options.clock != nullptr && options.flusher != nullptr,
               "PartitionOptions needs a file system, a clock and a flusher");
  std::string where = fmt::format("topic {} partition {}", id.topic, id.partition.value());
  auto recovered =
      recover_partition(*options.fs, dir, options.index_interval_bytes, options.clock->wall_now());
  if (!recovered.ok()) {
    return Status(Errc::kStorage, fmt::format("{}: cannot open {}: {}", where, dir.string(),
                                              recovered.status().message()));
  }
  ProducerStateTable producers =
      rebuild_producer_state(recovered->segments, kProducerStateScanBytes, &recovered->notes);
  if (notes != nullptr) {
    for (const std::string& note : recovered->notes) {
      notes->push_back(fmt::format("{}: {}", where, note));
    }
  }
  return std::shared_ptr<Partition>(new Partition(std::move(id), std::move(dir), settings, options,
                                                  std::move(recovered->segments),
                                                  std::move(producers)));
}

Partition::Partition(TopicPartition id, std::filesystem::path dir, const TopicSettings& settings,
                     const PartitionOptions& options, SegmentList segments,
                     ProducerStateTable producers)
    : id_(std::move(id)),
      dir_(std::move(dir)),
      settings_(settings),
      options_(options),
      segments_(std::move(segments)),
      producers_(std::move(producers)) {
  log_end_offset_ = segments_.back()->next_offset();
  high_watermark_.store(log_end_offset_.value());
  last_recovery_point_write_ = options_.clock->steady_now();
  publish_segments_locked();
}

Partition::~Partition() {
  close();
}

std::string Partition::where() const {
  return fmt::format("topic {} partition {}", id_.topic, id_.partition.value());
}

std::shared_ptr<const Partition::SegmentList> Partition::segment_snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return published_segments_;
}

Offset Partition::log_start_offset() const {
  return segment_snapshot()->front()->base_offset();
}

// ---- appends ----

void Partition::append(ByteView batch, AppendCallback done) {
  auto header = validate_batch(batch);
  if (!header.ok()) {
    done(context(header.status()));
    return;
  }
  if (static_cast<int64_t>(batch.size()) > settings_.max_message_bytes) {
    done(Status(Errc::kBatchTooLarge,
                fmt::format("{}: batch of {} bytes is larger than max_message_bytes {}", where(),
                            batch.size(), settings_.max_message_bytes)));
    return;
  }

  std::optional<Result<AppendResult>> outcome;
  bool committed = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_.load()) {
      outcome = Status(Errc::kClosed, fmt::format("{}: closed", where()));
    } else if (!failed_.ok()) {
      outcome = failed_;
    } else if (auto sequence = producers_.check(*header); !sequence.ok()) {
      outcome = context(sequence.status());
    } else if (sequence->kind == SequenceCheck::Kind::kDuplicate) {
      outcome = answer_duplicate_locked(sequence->original, done);
    } else {
      auto now = options_.clock->wall_now();
      int64_t base = log_end_offset_.value();
      int64_t last = base + header->last_offset_delta;
      Status ready;
      if (should_roll_locked(batch.size(), last, now)) ready = roll_locked(now);
      if (ready.ok()) {
        // Only the two fields outside the CRC change: the batch is stored as received.
        uint8_t patched[kBatchHeaderSize];
        std::memcpy(patched, batch.data(), kBatchHeaderSize);
        set_batch_base_offset(patched, base);
        set_batch_partition_leader_epoch(patched, 0);
        BatchMeta meta{Offset(base), Offset(last), 0, 0, header->max_timestamp};
        ready = segments_.back()->write(ByteView(patched, kBatchHeaderSize),
                                        batch.subspan(kBatchHeaderSize), meta, now);
      }
      if (!ready.ok()) {
        outcome =
            Status(Errc::kStorage, fmt::format("{}: append of {} bytes at offset {} failed: {}",
                                               where(), batch.size(), base, ready.message()));
      } else {
        log_end_offset_ = Offset(last + 1);
        producers_.record(*header, Offset(base));
        records_appended_.fetch_add(static_cast<uint64_t>(header->record_count),
                                    std::memory_order_relaxed);
        bytes_appended_.fetch_add(batch.size(), std::memory_order_relaxed);
        AppendResult result{Offset(base), Offset(last), segments_.front()->base_offset()};
        if (settings_.flush.mode == FlushPolicy::Mode::kAlways) {
          // Acknowledged, and visible, once an fdatasync covers it (flush_locked).
          // The callback now belongs to the pending entry; `outcome` stays empty.
          pending_.push_back(PendingAppend{Offset(last), result, std::exchange(done, nullptr)});
          schedule_flush_locked(Duration::zero());
          if (flusher_waiting_) appended_.notify_one();
        } else {
          commit_locked(log_end_offset_);
          if (settings_.flush.mode == FlushPolicy::Mode::kInterval) {
            schedule_flush_locked(settings_.flush.interval);
          }
          committed = true;
          outcome = result;
        }
      }
    }
  }
  if (committed) notify_readers();
  if (outcome) done(*outcome);
}

Result<AppendResult> Partition::append(ByteView batch) {
  std::promise<Result<AppendResult>> promise;
  std::future<Result<AppendResult>> future = promise.get_future();
  append(batch, [&promise](const Result<AppendResult>& r) { promise.set_value(r); });
  return future.get();
}

std::optional<Result<AppendResult>> Partition::answer_duplicate_locked(
    const ProducerBatch& original, AppendCallback& done) {
  AppendResult result{original.base_offset, original.last_offset,
                      segments_.front()->base_offset(), true};
  if (original.last_offset.value() < high_watermark_.load(std::memory_order_acquire)) {
    return result;
  }
  // flush=always, the original still waits for its fdatasync: queued behind it, this answer
  // goes out with it (the completion walks pending_ in order).
  pending_.push_back(PendingAppend{original.last_offset, result, std::exchange(done, nullptr)});
  return std::nullopt;
}

bool Partition::should_roll_locked(uint64_t batch_size, int64_t last_offset,
                                   std::chrono::system_clock::time_point now) const {
  const Segment& active = *segments_.back();
  if (active.empty()) return false;
  if (active.written_size() + batch_size > static_cast<uint64_t>(settings_.segment_bytes)) {
    return true;
  }
  if (settings_.segment_age && now - active.first_write_time() >= *settings_.segment_age) {
    return true;
  }
  // Index entries hold 32-bit relative offsets and there is room for a bounded number.
  return active.index().full() ||
         last_offset - active.base_offset().value() > std::numeric_limits<uint32_t>::max();
}

Status Partition::roll_locked(std::chrono::system_clock::time_point now) {
  CAUDAL_ASSIGN_OR_RETURN(
      std::shared_ptr<Segment> next,
      Segment::create(*options_.fs, dir_, log_end_offset_, options_.index_interval_bytes, now));
  segments_.push_back(std::move(next));
  directory_dirty_ = true;
  publish_segments_locked();
  // Seal the rolled segment soon, whatever the policy: it moves the recovery point forward.
  schedule_flush_locked(Duration::zero());
  return Status();
}

void Partition::publish_segments_locked() {
  auto snapshot = std::make_shared<const SegmentList>(segments_);
  std::lock_guard lock(snapshot_mutex_);
  published_segments_ = std::move(snapshot);
}

void Partition::commit_locked(Offset through) {
  // Usually only the active segment has uncommitted batches; under flush=always a rolled one
  // may still have some.
  size_t first = segments_.size();
  while (first > 0 &&
         segments_[first - 1]->committed_size() < segments_[first - 1]->written_size()) {
    --first;
  }
  for (size_t i = first; i < segments_.size(); ++i) {
    segments_[i]->commit_through(Offset(through.value() - 1));
  }
  high_watermark_.store(through.value(), std::memory_order_seq_cst);
}

void Partition::schedule_flush_locked(Duration delay) {
  auto due = options_.clock->steady_now() + delay;
  if (flush_scheduled_ && scheduled_due_ <= due) return;
  flush_scheduled_ = true;
  scheduled_due_ = due;
  options_.flusher->schedule(weak_from_this(), delay);
}

// ---- flushing ----

void Partition::run_flush() {
  std::lock_guard flush_lock(flush_mutex_);
  if (closed_.load()) return;  // close() made its own final flush
  (void)flush_locked(FlushReason::kScheduled);
}

Status Partition::flush() {
  std::lock_guard flush_lock(flush_mutex_);
  return flush_locked(FlushReason::kExplicit);
}

void Partition::gather_appends_locked(std::unique_lock<std::mutex>& lock) {
  // Appenders acknowledged by the last round usually append again at once. Starting the next
  // fdatasync before they do splits them into two cohorts that alternate, each round carrying
  // half of them; waiting a little (a fraction of an fdatasync) lets one round carry all.
  if (expected_appends_ == 0 || pending_.size() >= expected_appends_) return;
  Duration wait = std::min<Duration>(last_sync_duration_ / 2, std::chrono::milliseconds(2));
  flusher_waiting_ = true;
  appended_.wait_for(lock, wait,
                     [&] { return pending_.size() >= expected_appends_ || closed_.load(); });
  flusher_waiting_ = false;
}

Status Partition::flush_locked(FlushReason reason) {
  bool always = settings_.flush.mode == FlushPolicy::Mode::kAlways;
  bool include_active =
      reason != FlushReason::kScheduled || settings_.flush.mode != FlushPolicy::Mode::kNone;
  struct Job {
    std::shared_ptr<Segment> segment;
    uint64_t size;
    Offset next_offset;
    bool rolled;
  };
  std::vector<Job> jobs;
  Offset target;
  bool sync_directory = false;
  {
    std::unique_lock lock(mutex_);
    if (always && reason == FlushReason::kScheduled) gather_appends_locked(lock);
    flush_scheduled_ = false;
    if (!failed_.ok()) return failed_;
    for (size_t i = 0; i < segments_.size(); ++i) {
      const auto& s = segments_[i];
      bool rolled = i + 1 < segments_.size();
      if (!rolled && !include_active) break;
      if (s->synced_size() < s->written_size() || (rolled && !s->index_sealed())) {
        jobs.push_back(Job{s, s->written_size(), s->next_offset(), rolled});
      }
    }
    target = include_active ? log_end_offset_ : segments_.back()->base_offset();
    sync_directory = directory_dirty_;
    directory_dirty_ = false;
  }

  // The slow part runs without mutex_, so appends go on meanwhile; they are covered by the
  // next flush (that is the group commit).
  Status synced;
  auto sync_started = options_.clock->steady_now();
  for (const Job& job : jobs) {
    if (job.segment->synced_size() < job.size) synced = job.segment->file()->sync();
    if (!synced.ok()) break;
  }
  if (synced.ok() && sync_directory) synced = options_.fs->sync_directory(dir_);
  if (!jobs.empty()) flushes_.fetch_add(1, std::memory_order_relaxed);

  std::deque<PendingAppend> completed;
  bool committed = false;
  {
    std::lock_guard lock(mutex_);
    if (!synced.ok()) {
      failed_ = Status(Errc::kStorage,
                       fmt::format("{}: fdatasync failed, appends are refused until the log is "
                                   "reopened: {}",
                                   where(), synced.message()));
      completed.swap(pending_);
    } else {
      for (const Job& job : jobs) job.segment->mark_synced(job.size, job.next_offset);
      if (always && !pending_.empty()) {
        commit_locked(target);
        committed = true;
        while (!pending_.empty() && pending_.front().last < target) {
          completed.push_back(std::move(pending_.front()));
          pending_.pop_front();
        }
        // Everyone active in this round: those acknowledged now and those already waiting.
        expected_appends_ = completed.size() + pending_.size();
        last_sync_duration_ = options_.clock->steady_now() - sync_started;
      }
    }
  }
  if (committed) notify_readers();
  for (PendingAppend& p : completed) {
    if (synced.ok()) {
      p.done(p.result);
    } else {
      p.done(failed_);
    }
  }
  if (!synced.ok()) return failed_;

  // The indexes are caches: a failure to write them costs a rebuild at the next open, so it
  // does not fail the flush.
  for (const Job& job : jobs) {
    if (job.rolled) {
      if (job.segment->seal_index().ok()) recovery_point_due_ = true;
    } else {
      (void)job.segment->persist_index();
    }
  }
  auto now = options_.clock->steady_now();
  if (reason == FlushReason::kExplicit || recovery_point_due_ ||
      now - last_recovery_point_write_ >= options_.recovery_point_interval) {
    (void)write_recovery_point_locked(false);
  }
  return Status();
}

Status Partition::write_recovery_point_locked(bool clean_shutdown) {
  RecoveryPoint point;
  {
    std::lock_guard lock(mutex_);
    // The first segment not synced to its end holds the point; all before it are durable.
    for (size_t i = 0; i < segments_.size(); ++i) {
      const Segment& s = *segments_[i];
      if (i + 1 == segments_.size() || s.synced_size() < s.written_size()) {
        point =
            RecoveryPoint{s.base_offset(), s.synced_size(), s.synced_next_offset(), clean_shutdown};
        break;
      }
    }
  }
  Status written = write_recovery_point(*options_.fs, dir_, point);
  if (written.ok()) {
    last_recovery_point_write_ = options_.clock->steady_now();
    recovery_point_due_ = false;
  }
  return written;
}

void Partition::close() {
  std::lock_guard flush_lock(flush_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (closed_.load()) return;
    closed_.store(true);
  }
  Status flushed = flush_locked(FlushReason::kClose);
  if (flushed.ok()) {
    std::shared_ptr<Segment> active;
    {
      std::lock_guard lock(mutex_);
      active = segments_.back();
    }
    if (active->seal_index().ok()) (void)write_recovery_point_locked(true);
  }
  notify_readers();
}

// ---- reads ----

Status Partition::check_read_offset(Offset from, Offset log_start, Offset high_watermark) const {
  if (from < log_start) {
    return Status(Errc::kOffsetOutOfRange,
                  fmt::format("{}: offset {} is below the log start offset {} (older records "
                              "were deleted by retention)",
                              where(), from.value(), log_start.value()));
  }
  if (from > high_watermark) {
    return Status(Errc::kOffsetOutOfRange,
                  fmt::format("{}: offset {} is past the end of the log (high watermark {})",
                              where(), from.value(), high_watermark.value()));
  }
  return Status();
}

// The walk read() and read_ranges() share: from the segment holding `from` onwards, `collect`
// takes each segment's batches from out.next_offset, and says whether to go on. A batch that
// cannot be located or read ends the walk: reported at once when nothing was collected yet,
// else left to the next read, which starts at it.
template <typename Read, typename Collect>
Result<Read> Partition::walk_segments(Offset from, Collect collect) const {
  Read out;
  out.high_watermark = high_watermark();
  auto segments = segment_snapshot();
  out.log_start_offset = segments->front()->base_offset();
  out.next_offset = from;
  CAUDAL_RETURN_IF_ERROR(check_read_offset(from, out.log_start_offset, out.high_watermark));
  // The last segment starting at or before `from`, then onwards while the budget lasts.
  auto it = std::upper_bound(segments->begin(), segments->end(), from,
                             [](Offset o, const auto& s) { return o < s->base_offset(); });
  for (--it; it != segments->end() && out.next_offset < out.high_watermark; ++it) {
    const Segment& segment = **it;
    uint64_t limit = segment.committed_size();
    Result<bool> more = false;
    auto at = locate_batch(segment, out.next_offset, limit);
    if (!at.ok()) {
      more = at.status();
    } else if (!at->has_value()) {
      continue;  // `from` lies after this segment's readable batches: try the next one
    } else {
      more = collect(segment, **at, limit, out);
    }
    if (!more.ok()) {
      if (out.next_offset != from) break;  // return what was read; the next read reports it
      return context(more.status());
    }
    if (!*more) break;
  }
  return out;
}

Result<BatchRead> Partition::read(Offset from, size_t max_bytes) const {
  return walk_segments<BatchRead>(
      from, [max_bytes](const Segment& segment, const auto& at, uint64_t limit, BatchRead& out) {
        return copy_batches(segment, at, limit, out.high_watermark, max_bytes, out);
      });
}

Result<FileRead> Partition::read_ranges(Offset from, size_t max_bytes) const {
  return walk_segments<FileRead>(
      from, [max_bytes](const Segment& segment, const auto& at, uint64_t limit, FileRead& out) {
        return collect_ranges(segment, at, limit, out.high_watermark, max_bytes, out);
      });
}

Result<std::optional<TimestampLookup>> Partition::find_offset_by_timestamp(
    int64_t timestamp) const {
  Offset hwm = high_watermark();
  auto segments = segment_snapshot();
  for (const auto& segment : *segments) {
    if (segment->max_timestamp() < timestamp) continue;
    auto found = find_batch_by_timestamp(*segment, timestamp, segment->committed_size(), hwm);
    if (!found.ok()) return context(found.status());
    if (found->has_value()) return found;
  }
  return std::optional<TimestampLookup>();
}

// ---- waiting ----

Offset Partition::wait_for_data(Offset offset, Duration timeout) {
  std::unique_lock lock(wait_mutex_);
  listeners_.fetch_add(1, std::memory_order_seq_cst);
  data_arrived_.wait_for(lock, timeout, [&] {
    return high_watermark_.load(std::memory_order_seq_cst) > offset.value() || closed_.load();
  });
  listeners_.fetch_sub(1, std::memory_order_seq_cst);
  return high_watermark();
}

std::optional<uint64_t> Partition::watch(Offset offset, std::function<void()> notify) {
  std::lock_guard lock(wait_mutex_);
  listeners_.fetch_add(1, std::memory_order_seq_cst);
  if (high_watermark_.load(std::memory_order_seq_cst) > offset.value() || closed_.load()) {
    listeners_.fetch_sub(1, std::memory_order_seq_cst);
    return std::nullopt;
  }
  uint64_t id = next_watch_id_++;
  watches_.emplace(id, Watch{offset, std::move(notify)});
  return id;
}

bool Partition::unwatch(uint64_t watch_id) {
  std::lock_guard lock(wait_mutex_);
  if (watches_.erase(watch_id) == 0) return false;
  listeners_.fetch_sub(1, std::memory_order_seq_cst);
  return true;
}

void Partition::notify_readers() {
  // Appends pay for this only when someone waits. The seq_cst pair (high watermark store,
  // listeners load here; listeners increment, high watermark load in the waiter) makes sure a
  // waiter either sees the new high watermark or is seen here.
  if (listeners_.load(std::memory_order_seq_cst) == 0) return;
  std::vector<std::function<void()>> fire;
  {
    std::lock_guard lock(wait_mutex_);
    data_arrived_.notify_all();
    int64_t hwm = high_watermark_.load(std::memory_order_seq_cst);
    bool closed = closed_.load();
    for (auto it = watches_.begin(); it != watches_.end();) {
      if (closed || it->second.offset.value() < hwm) {
        fire.push_back(std::move(it->second.notify));
        it = watches_.erase(it);
        listeners_.fetch_sub(1, std::memory_order_seq_cst);
      } else {
        ++it;
      }
    }
  }
  for (auto& notify : fire) notify();
}

// ---- retention ----

Result<RetentionResult> Partition::enforce_retention() {
  RetentionResult result;
  std::vector<std::shared_ptr<Segment>> doomed;
  {
    std::lock_guard lock(mutex_);
    auto now = options_.clock->wall_now();
    if (!closed_.load() && settings_.retention) {
      int64_t cutoff =
          to_millis(now) -
          std::chrono::duration_cast<std::chrono::milliseconds>(*settings_.retention).count();
      auto expired = [&](const Segment& s) {
        int64_t newest = s.max_timestamp();
        if (newest < 0) {
          // No batch carries a timestamp: the file's modification time stands in.
          auto info = options_.fs->stat(s.log_path());
          newest = info.ok() ? to_millis(info->modified) : std::numeric_limits<int64_t>::max();
        }
        return newest < cutoff;
      };
      const Segment& active = *segments_.back();
      if (!active.empty() && active.committed_size() == active.written_size() && expired(active)) {
        (void)roll_locked(now);  // if the roll fails, the active segment simply stays
      }
      while (segments_.size() > 1 &&
             segments_.front()->committed_size() == segments_.front()->written_size() &&
             expired(*segments_.front())) {
        doomed.push_back(segments_.front());
        segments_.erase(segments_.begin());
      }
    }
    if (!closed_.load() && settings_.retention_bytes) {
      uint64_t total = 0;
      for (const auto& s : segments_) total += s->written_size();
      uint64_t limit = static_cast<uint64_t>(*settings_.retention_bytes);
      while (segments_.size() > 1 &&
             segments_.front()->committed_size() == segments_.front()->written_size() &&
             total - segments_.front()->written_size() >= limit) {
        total -= segments_.front()->written_size();
        doomed.push_back(segments_.front());
        segments_.erase(segments_.begin());
      }
    }
    if (!doomed.empty()) publish_segments_locked();
    result.log_start_offset = segments_.front()->base_offset();
  }
  Status removed;
  for (const auto& segment : doomed) {
    result.segments_deleted += 1;
    result.bytes_deleted += segment->written_size();
    Status s = segment->remove_files();
    if (removed.ok() && !s.ok()) removed = s;
  }
  if (!doomed.empty()) {
    // The recovery point may have named a deleted segment; move it onto a live one.
    std::lock_guard flush_lock(flush_mutex_);
    (void)write_recovery_point_locked(false);
  }
  if (!removed.ok()) {
    return Status(Errc::kStorage, fmt::format("{}: retention could not delete a segment: {}",
                                              where(), removed.message()));
  }
  return result;
}

PartitionStats Partition::stats() const {
  PartitionStats s;
  s.high_watermark = high_watermark();
  auto segments = segment_snapshot();
  s.log_start_offset = segments->front()->base_offset();
  s.segment_count = segments->size();
  for (const auto& segment : *segments) s.size_bytes += segment->committed_size();
  s.records_appended = records_appended_.load(std::memory_order_relaxed);
  s.bytes_appended = bytes_appended_.load(std::memory_order_relaxed);
  s.flushes = flushes_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace caudal::log
