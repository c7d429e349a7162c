#include "log/segment_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "log/batch_scanner.h"
#include "log/errc.h"
#include "log/record_batch_header.h"

namespace caudal::log {
namespace {

// Index entries lie about one interval apart, so finding a batch from one reads little.
constexpr size_t kLocateBufferBytes = size_t{16} * 1024;

Status damage(const Segment& segment, uint64_t position, Offset expected,
              const RecordBatchHeader* header, std::string_view what) {
  std::string offsets =
      header != nullptr && header->base_offset == expected.value()
          ? fmt::format("offsets {}..{}", header->base_offset, header->last_offset())
          : fmt::format("offsets from {}", expected.value());
  return Status(Errc::kCorruptData, fmt::format("{} ({} byte {}) are damaged: {}", offsets,
                                                segment.log_path().string(), position, what));
}

// The checks that need only the header: those a batch stored by this log always passes.
Status check_header(const Segment& segment, uint64_t position, Offset expected,
                    const RecordBatchHeader& h, uint64_t limit) {
  if (h.magic != 2) return damage(segment, position, expected, &h, "magic byte is not 2");
  if (h.batch_length < static_cast<int32_t>(kBatchHeaderSize - kBatchLengthPrefix) ||
      position + h.total_size() > limit) {
    return damage(segment, position, expected, nullptr,
                  fmt::format("batch length {} does not fit the segment", h.batch_length));
  }
  if (h.base_offset != expected.value()) {
    return damage(segment, position, expected, nullptr,
                  fmt::format("batch has base offset {}", h.base_offset));
  }
  if (h.partition_leader_epoch != 0) {
    return damage(segment, position, expected, &h,
                  fmt::format("partition leader epoch is {}, not 0", h.partition_leader_epoch));
  }
  return Status();
}

// Rewords a scanner failure (which already names file and byte) like the reader's own.
Status scan_damage(Offset expected, const Status& s) {
  if (s.code() != make_error_code(Errc::kCorruptData)) return s;
  return Status(Errc::kCorruptData,
                fmt::format("offsets from {} are damaged: {}", expected.value(), s.message()));
}

}  // namespace

Result<std::optional<BatchPosition>> locate_batch(const Segment& segment, Offset offset,
                                                  uint64_t limit) {
  IndexPoint start = segment.index().floor(offset);
  BatchScanner scanner(*segment.file(), start.position, limit, BatchScanner::Check::kFraming,
                       kLocateBufferBytes);
  Offset expected = start.offset;
  while (true) {
    auto next = scanner.next();
    if (!next.ok()) return scan_damage(expected, next.status());
    if (!next->has_value()) return std::optional<BatchPosition>();
    const ScannedBatch& batch = **next;
    CAUDAL_RETURN_IF_ERROR(check_header(segment, batch.position, expected, batch.header, limit));
    if (batch.header.last_offset() >= offset.value()) {
      return std::optional<BatchPosition>(BatchPosition{batch.position, expected});
    }
    expected = Offset(batch.header.last_offset() + 1);
  }
}

Result<bool> copy_batches(const Segment& segment, BatchPosition at, uint64_t limit,
                          Offset high_watermark, size_t max_bytes, BatchRead& out) {
  const File& file = *segment.file();
  uint64_t position = at.position;
  Offset expected = at.base;
  while (position < limit && expected < high_watermark) {
    size_t used = out.bytes.size();
    uint64_t room = max_bytes > used ? max_bytes - used : 0;
    uint64_t want = std::min<uint64_t>(limit - position, room);
    bool must_take_one = out.batch_count == 0;
    if (must_take_one) {
      want = std::max<uint64_t>(want, std::min<uint64_t>(limit - position, kBatchHeaderSize));
    }
    if (want < kBatchHeaderSize) return false;

    // One read for as many batches as the budget holds, then check them in place.
    out.bytes.resize(used + want);
    CAUDAL_ASSIGN_OR_RETURN(size_t n,
                            file.read_at(position, std::span(out.bytes.data() + used, want)));
    size_t end = used + n;
    size_t p = used;
    bool stopped = false;
    while (p + kBatchHeaderSize <= end) {
      uint64_t batch_position = position + (p - used);
      auto header = RecordBatchHeader::parse(ByteView(out.bytes.data() + p, kBatchHeaderSize));
      Status checked = check_header(segment, batch_position, expected, *header, limit);
      if (!checked.ok()) {
        out.bytes.resize(p);
        return checked;
      }
      if (expected >= high_watermark) {
        stopped = true;
        break;
      }
      size_t size = header->total_size();
      if (p + size > end) {
        if (out.batch_count > 0) {
          stopped = true;
          break;
        }
        // The first batch is larger than the budget: read the rest of it.
        out.bytes.resize(p + size);
        CAUDAL_ASSIGN_OR_RETURN(size_t rest,
                                file.read_at(batch_position + (end - p),
                                             std::span(out.bytes.data() + end, p + size - end)));
        end += rest;
        if (p + size > end) {
          out.bytes.resize(p);
          return damage(segment, batch_position, expected, &*header, "the file ends inside it");
        }
      }
      auto valid = validate_batch(ByteView(out.bytes.data() + p, size));
      if (!valid.ok()) {
        out.bytes.resize(p);
        return damage(segment, batch_position, expected, &*header, valid.status().message());
      }
      p += size;
      expected = Offset(header->last_offset() + 1);
      out.batch_count += 1;
      out.next_offset = expected;
    }
    out.bytes.resize(p);
    if (p == used) {
      // Not even one header in a read of at least a header's size: the file is short.
      if (stopped) return false;
      return damage(segment, position, expected, nullptr,
                    "the file is shorter than its committed size");
    }
    position += p - used;
    if (stopped) return false;
  }
  return position >= limit;
}

Result<bool> collect_ranges(const Segment& segment, BatchPosition at, uint64_t limit,
                            Offset high_watermark, size_t max_bytes, FileRead& out) {
  uint64_t room = max_bytes > out.bytes ? max_bytes - out.bytes : 0;
  uint64_t budget_end = std::min<uint64_t>(limit, at.position + room);
  // Jump close to the end with the index, then walk headers to the last batch that fits.
  IndexPoint jump = segment.index().floor_position(budget_end);
  if (jump.position < at.position || jump.offset >= high_watermark) {
    jump = IndexPoint{at.base, at.position};
  }
  BatchScanner scanner(*segment.file(), jump.position, limit, BatchScanner::Check::kFraming,
                       kLocateBufferBytes);
  uint64_t end = jump.position;
  Offset expected = jump.offset;
  bool stopped = false;
  while (true) {
    auto next = scanner.next();
    if (!next.ok()) return scan_damage(expected, next.status());
    if (!next->has_value()) break;
    const ScannedBatch& batch = **next;
    CAUDAL_RETURN_IF_ERROR(check_header(segment, batch.position, expected, batch.header, limit));
    uint64_t batch_end = batch.position + batch.header.total_size();
    bool first = end == at.position && out.ranges.empty();
    if (expected >= high_watermark || (batch_end > budget_end && !first)) {
      stopped = true;
      break;
    }
    end = batch_end;
    expected = Offset(batch.header.last_offset() + 1);
  }
  if (end > at.position) {
    out.ranges.push_back(FileRange{segment.file(), at.position, end - at.position});
    out.bytes += end - at.position;
    out.next_offset = expected;
  }
  return !stopped && end >= limit;
}

Result<std::optional<TimestampLookup>> find_batch_by_timestamp(const Segment& segment,
                                                               int64_t timestamp, uint64_t limit,
                                                               Offset high_watermark) {
  IndexPoint start = segment.index().before_timestamp(timestamp);
  BatchScanner scanner(*segment.file(), start.position, limit, BatchScanner::Check::kFraming);
  Offset expected = start.offset;
  while (true) {
    auto next = scanner.next();
    if (!next.ok()) return scan_damage(expected, next.status());
    if (!next->has_value() || expected >= high_watermark) {
      return std::optional<TimestampLookup>();
    }
    const ScannedBatch& batch = **next;
    CAUDAL_RETURN_IF_ERROR(check_header(segment, batch.position, expected, batch.header, limit));
    if (batch.header.max_timestamp >= timestamp) {
      return std::optional<TimestampLookup>(TimestampLookup{expected, batch.header.max_timestamp});
    }
    expected = Offset(batch.header.last_offset() + 1);
  }
}

}  // namespace caudal::log
