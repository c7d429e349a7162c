// What reads of a partition return (partition.h): batches copied out and CRC-checked, or byte
// ranges of the stored files for sendfile(2).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/bytes.h"
#include "common/file_system.h"
#include "common/status.h"
#include "log/types.h"

namespace caudal::log {

// Whole batches copied out of a partition, each one checked (framing, CRC, offsets).
struct BatchRead {
  // Kafka v2 batches back to back, in offset order, exactly as appended except for the base
  // offset (assigned at append) and the partition leader epoch (always 0).
  Bytes bytes;
  int32_t batch_count = 0;
  // The offset after the last batch returned: where the next read continues. Equal to the
  // requested offset when nothing was returned.
  Offset next_offset;
  // The partition's high watermark and log start offset as this read saw them.
  Offset high_watermark;
  Offset log_start_offset;
};

// A run of whole stored batches in one segment file.
struct FileRange {
  // Keeps the file open while the range is in use, even if retention deletes the segment.
  std::shared_ptr<const File> file;
  uint64_t position = 0;
  uint64_t length = 0;
};

// Byte ranges of stored batches, for a transport that sends file bytes without copying them
// (sendfile(2) on file->native_handle()). The batches' lengths and offsets were checked, their
// CRCs were not (the receiver checks them, as Kafka clients do).
struct FileRead {
  std::vector<FileRange> ranges;
  uint64_t bytes = 0;
  Offset next_offset;
  Offset high_watermark;
  Offset log_start_offset;

  // Appends the ranges' bytes to `out`, for transports that must copy (TLS).
  Status copy_to(Bytes& out) const;
};

// The first batch whose max_timestamp is at or after a target time.
struct TimestampLookup {
  Offset offset;               // the batch's base offset
  int64_t max_timestamp = -1;  // the batch's max_timestamp
};

}  // namespace caudal::log
