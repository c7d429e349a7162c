// The 61-byte header of a Kafka v2 record batch ("magic 2"), the unit Caudal stores and serves.
// Layout and rules: docs/log-format.md §Record batches, and Kafka's DefaultRecordBatch.
//
// Batches are stored exactly as received. Only base_offset and partition_leader_epoch are ever
// rewritten in place; both sit before the CRC-covered region (bytes 21..end), so rewriting them
// needs no CRC recompute.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"

namespace caudal::log {

inline constexpr size_t kBatchHeaderSize = 61;
// batch_length counts the bytes after itself, so a batch occupies batch_length + this.
inline constexpr size_t kBatchLengthPrefix = 12;  // base_offset (8) + batch_length (4)
inline constexpr size_t kCrcCoveredFrom = 21;     // attributes onward

namespace batch_offsets {
inline constexpr size_t kBaseOffset = 0;
inline constexpr size_t kBatchLength = 8;
inline constexpr size_t kPartitionLeaderEpoch = 12;
inline constexpr size_t kMagic = 16;
inline constexpr size_t kCrc = 17;
inline constexpr size_t kAttributes = 21;
inline constexpr size_t kLastOffsetDelta = 23;
inline constexpr size_t kBaseTimestamp = 27;
inline constexpr size_t kMaxTimestamp = 35;
inline constexpr size_t kProducerId = 43;
inline constexpr size_t kProducerEpoch = 51;
inline constexpr size_t kBaseSequence = 53;
inline constexpr size_t kRecordCount = 57;
}  // namespace batch_offsets

enum class Compression : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

struct RecordBatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = 0;
  int8_t magic = 2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  Compression compression() const { return static_cast<Compression>(attributes & 0x07); }
  bool log_append_time() const { return (attributes & 0x08) != 0; }
  bool transactional() const { return (attributes & 0x10) != 0; }
  bool control() const { return (attributes & 0x20) != 0; }
  // Total bytes the batch occupies, header included.
  size_t total_size() const { return kBatchLengthPrefix + static_cast<size_t>(batch_length); }
  int64_t last_offset() const { return base_offset + last_offset_delta; }

  // Decodes the fixed header fields. Checks only that 61 bytes are present; see
  // validate_batch() for the full checks.
  static Result<RecordBatchHeader> parse(ByteView bytes);
  // Writes every header field except the CRC into out[0..61).
  void encode(uint8_t* out) const;
};

// Checks that `batch` is exactly one well-formed v2 batch: enough bytes for the header,
// batch_length consistent with the size, magic 2, a known codec, record_count ==
// last_offset_delta + 1 and non-negative, not a control batch, and the CRC-32C of bytes
// 21..end. Does not decompress. Errors are log::Errc values with a message that says which
// check failed and the values involved.
Result<RecordBatchHeader> validate_batch(ByteView batch);

// Computes the CRC over bytes 21..end and stores it at byte 17.
void seal_batch_crc(uint8_t* batch, size_t size);

// In-place rewrites outside the CRC-covered region.
void set_batch_base_offset(uint8_t* batch, int64_t base_offset);
void set_batch_partition_leader_epoch(uint8_t* batch, int32_t epoch);

}  // namespace caudal::log
