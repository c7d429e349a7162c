#include "log/segment_index.h"

#include <algorithm>

namespace caudal::log {
namespace {

void encode_entry(const IndexEntry& e, uint8_t* out) {
  store_be32(out, e.relative_offset);
  store_be32(out + 4, e.position);
  store_be64(out + 8, static_cast<uint64_t>(e.max_timestamp));
}

IndexEntry decode_entry(const uint8_t* in) {
  return IndexEntry{load_be32(in), load_be32(in + 4), static_cast<int64_t>(load_be64(in + 8))};
}

}  // namespace

void SegmentIndex::add_batch(Offset base, uint64_t position, int64_t max_timestamp) {
  int64_t running = std::max(max_timestamp_.load(std::memory_order_relaxed), max_timestamp);
  max_timestamp_.store(running, std::memory_order_release);
  if (position < last_indexed_position_ + interval_bytes_ || full()) return;
  entries_.push_back(IndexEntry{static_cast<uint32_t>(base.value() - base_offset_.value()),
                                static_cast<uint32_t>(position), running});
  last_indexed_position_ = position;
}

namespace {

// Entries are sorted by offset, position and (non-strictly) timestamp alike, so each lookup
// is "the last entry that still satisfies a monotone condition".
template <typename Condition>
size_t count_satisfying(const PublishedArray<IndexEntry>& entries, Condition condition) {
  size_t lo = 0;
  size_t hi = entries.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (condition(entries[mid])) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

}  // namespace

IndexPoint SegmentIndex::point_before(size_t count) const {
  if (count == 0) return IndexPoint{base_offset_, 0};
  const IndexEntry& e = entries_[count - 1];
  return IndexPoint{Offset(base_offset_.value() + e.relative_offset), e.position};
}

IndexPoint SegmentIndex::floor(Offset target) const {
  int64_t relative = target.value() - base_offset_.value();
  return point_before(count_satisfying(entries_, [relative](const IndexEntry& e) {
    return static_cast<int64_t>(e.relative_offset) <= relative;
  }));
}

IndexPoint SegmentIndex::floor_position(uint64_t position) const {
  return point_before(count_satisfying(
      entries_, [position](const IndexEntry& e) { return e.position <= position; }));
}

IndexPoint SegmentIndex::before_timestamp(int64_t timestamp) const {
  return point_before(count_satisfying(
      entries_, [timestamp](const IndexEntry& e) { return e.max_timestamp < timestamp; }));
}

Status SegmentIndex::write_new_entries(File& file) {
  size_t n = entries_.size();
  if (persisted_count_ >= n) return Status();
  Bytes out((n - persisted_count_) * kEntrySize);
  for (size_t i = persisted_count_; i < n; ++i) {
    encode_entry(entries_[i], out.data() + (i - persisted_count_) * kEntrySize);
  }
  CAUDAL_RETURN_IF_ERROR(file.write_at(persisted_count_ * kEntrySize, out));
  persisted_count_ = n;
  return Status();
}

size_t SegmentIndex::load(ByteView file_bytes, uint64_t size_limit) {
  entries_.truncate(0);
  max_timestamp_.store(-1, std::memory_order_release);
  last_indexed_position_ = 0;
  size_t count = file_bytes.size() / kEntrySize;
  IndexEntry previous;
  for (size_t i = 0; i < count && !full(); ++i) {
    IndexEntry e = decode_entry(file_bytes.data() + i * kEntrySize);
    bool consistent =
        e.position < size_limit && e.position > 0 &&
        (i == 0 || (e.relative_offset > previous.relative_offset &&
                    e.position > previous.position && e.max_timestamp >= previous.max_timestamp));
    if (!consistent) break;
    entries_.push_back(e);
    previous = e;
  }
  size_t kept = entries_.size();
  if (kept > 0) {
    max_timestamp_.store(previous.max_timestamp, std::memory_order_release);
    last_indexed_position_ = previous.position;
  }
  persisted_count_ = kept;
  return kept;
}

void SegmentIndex::truncate(size_t count) {
  if (count >= entries_.size()) return;
  entries_.truncate(count);
  persisted_count_ = std::min(persisted_count_, count);
  if (count == 0) {
    max_timestamp_.store(-1, std::memory_order_release);
    last_indexed_position_ = 0;
  } else {
    IndexEntry last = entries_[count - 1];
    max_timestamp_.store(last.max_timestamp, std::memory_order_release);
    last_indexed_position_ = last.position;
  }
}

}  // namespace caudal::log
