// Reads of one segment's committed batches; Partition strings them together across segments.
// Every function reads only below `limit` (the segment's committed size, loaded once by the
// caller) and only batches below `high_watermark`, so all are safe on any thread while the
// partition appends.
//
// Errors are log::Errc::kCorruptData with the offsets, segment file and byte position of the
// damage (the partition adds topic and partition), or a read error of the file.
#pragma once

#include <cstdint>
#include <optional>

#include "common/result.h"
#include "log/read_result.h"
#include "log/segment.h"
#include "log/types.h"

namespace caudal::log {

// A batch boundary in a segment file and the base offset of the batch that starts there.
struct BatchPosition {
  uint64_t position = 0;
  Offset base;
};

// The batch that holds `offset`; nullopt if the segment's batches below `limit` end before it.
Result<std::optional<BatchPosition>> locate_batch(const Segment& segment, Offset offset,
                                                  uint64_t limit);

// Copies whole, checked batches from `at` on into `out` (bytes, batch_count, next_offset)
// while they fit in `max_bytes` of out.bytes in total; the first batch of an empty `out` is
// taken even when larger. Returns true when it stopped at `limit` (the caller continues with
// the next segment), false when the budget or the high watermark stopped it. On damage,
// out.bytes keeps only the good batches before it.
Result<bool> copy_batches(const Segment& segment, BatchPosition at, uint64_t limit,
                          Offset high_watermark, size_t max_bytes, BatchRead& out);

// The same for byte ranges: appends one range of whole batches from `at` on to `out`. Batch
// boundaries come from the index and the batch headers; batch contents are not read.
Result<bool> collect_ranges(const Segment& segment, BatchPosition at, uint64_t limit,
                            Offset high_watermark, size_t max_bytes, FileRead& out);

// The first batch below the high watermark with max_timestamp >= `timestamp`.
Result<std::optional<TimestampLookup>> find_batch_by_timestamp(const Segment& segment,
                                                               int64_t timestamp, uint64_t limit,
                                                               Offset high_watermark);

}  // namespace caudal::log
