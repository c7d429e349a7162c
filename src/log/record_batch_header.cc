#include "log/record_batch_header.h"

#include <fmt/format.h>

#include "common/crc32c.h"
#include "log/errc.h"

namespace caudal::log {

using namespace batch_offsets;

Result<RecordBatchHeader> RecordBatchHeader::parse(ByteView bytes) {
  if (bytes.size() < kBatchHeaderSize) {
    return Status(Errc::kCorruptBatch,
                  fmt::format("record batch of {} bytes is shorter than the 61-byte header",
                              bytes.size()));
  }
  const uint8_t* p = bytes.data();
  RecordBatchHeader h;
  h.base_offset = static_cast<int64_t>(load_be64(p + kBaseOffset));
  h.batch_length = static_cast<int32_t>(load_be32(p + kBatchLength));
  h.partition_leader_epoch = static_cast<int32_t>(load_be32(p + kPartitionLeaderEpoch));
  h.magic = static_cast<int8_t>(p[kMagic]);
  h.crc = load_be32(p + kCrc);
  h.attributes = static_cast<int16_t>(load_be16(p + kAttributes));
  h.last_offset_delta = static_cast<int32_t>(load_be32(p + kLastOffsetDelta));
  h.base_timestamp = static_cast<int64_t>(load_be64(p + kBaseTimestamp));
  h.max_timestamp = static_cast<int64_t>(load_be64(p + kMaxTimestamp));
  h.producer_id = static_cast<int64_t>(load_be64(p + kProducerId));
  h.producer_epoch = static_cast<int16_t>(load_be16(p + kProducerEpoch));
  h.base_sequence = static_cast<int32_t>(load_be32(p + kBaseSequence));
  h.record_count = static_cast<int32_t>(load_be32(p + kRecordCount));
  return h;
}

void RecordBatchHeader::encode(uint8_t* out) const {
  store_be64(out + kBaseOffset, static_cast<uint64_t>(base_offset));
  store_be32(out + kBatchLength, static_cast<uint32_t>(batch_length));
  store_be32(out + kPartitionLeaderEpoch, static_cast<uint32_t>(partition_leader_epoch));
  out[kMagic] = static_cast<uint8_t>(magic);
  store_be32(out + kCrc, crc);
  store_be16(out + kAttributes, static_cast<uint16_t>(attributes));
  store_be32(out + kLastOffsetDelta, static_cast<uint32_t>(last_offset_delta));
  store_be64(out + kBaseTimestamp, static_cast<uint64_t>(base_timestamp));
  store_be64(out + kMaxTimestamp, static_cast<uint64_t>(max_timestamp));
  store_be64(out + kProducerId, static_cast<uint64_t>(producer_id));
  store_be16(out + kProducerEpoch, static_cast<uint16_t>(producer_epoch));
  store_be32(out + kBaseSequence, static_cast<uint32_t>(base_sequence));
  store_be32(out + kRecordCount, static_cast<uint32_t>(record_count));
}

Result<RecordBatchHeader> validate_batch(ByteView batch) {
  CAUDAL_ASSIGN_OR_RETURN(RecordBatchHeader h, RecordBatchHeader::parse(batch));
  if (h.magic != 2) {
    return Status(Errc::kUnsupportedFormat,
                  fmt::format("record batch magic is {}, only v2 (magic 2) is accepted", h.magic));
  }
  if (h.batch_length < static_cast<int32_t>(kBatchHeaderSize - kBatchLengthPrefix)) {
    return Status(Errc::kCorruptBatch,
                  fmt::format("batch_length {} is smaller than the header", h.batch_length));
  }
  if (h.total_size() != batch.size()) {
    return Status(Errc::kCorruptBatch,
                  fmt::format("batch_length {} says the batch is {} bytes, but {} were given",
                              h.batch_length, h.total_size(), batch.size()));
  }
  if (static_cast<uint8_t>(h.compression()) > static_cast<uint8_t>(Compression::kZstd)) {
    return Status(Errc::kUnsupportedFormat,
                  fmt::format("unknown compression codec {} in attributes",
                              static_cast<int>(h.compression())));
  }
  if (h.control()) {
    return Status(Errc::kCorruptBatch, "control batches may not be produced by clients");
  }
  if (h.record_count < 0 || h.last_offset_delta < 0 ||
      static_cast<int64_t>(h.record_count) != static_cast<int64_t>(h.last_offset_delta) + 1) {
    return Status(Errc::kCorruptBatch,
                  fmt::format("record_count {} does not match last_offset_delta {} + 1",
                              h.record_count, h.last_offset_delta));
  }
  uint32_t actual = crc32c::value(batch.subspan(kCrcCoveredFrom));
  if (actual != h.crc) {
    return Status(Errc::kCorruptBatch,
                  fmt::format("CRC mismatch: header says {:#010x}, bytes give {:#010x}", h.crc,
                              actual));
  }
  return h;
}

void seal_batch_crc(uint8_t* batch, size_t size) {
  uint32_t crc = crc32c::value(ByteView(batch + kCrcCoveredFrom, size - kCrcCoveredFrom));
  store_be32(batch + kCrc, crc);
}

void set_batch_base_offset(uint8_t* batch, int64_t base_offset) {
  store_be64(batch + kBaseOffset, static_cast<uint64_t>(base_offset));
}

void set_batch_partition_leader_epoch(uint8_t* batch, int32_t epoch) {
  store_be32(batch + kPartitionLeaderEpoch, static_cast<uint32_t>(epoch));
}

}  // namespace caudal::log
