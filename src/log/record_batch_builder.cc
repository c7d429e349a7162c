#include "log/record_batch_builder.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "common/check.h"
#include "log/errc.h"

namespace caudal::log {
namespace {

// Kafka producers send this partition leader epoch; the broker fills in its own.
constexpr int32_t kNoPartitionLeaderEpoch = -1;
constexpr size_t kInitialCapacity = size_t{16} * 1024;

// Wire length of a nullable field: -1 for null.
int32_t field_length(const std::optional<ByteView>& field) {
  if (!field) return -1;
  CAUDAL_CHECK(field->size() <= INT32_MAX, "record field over 2 GiB");
  return static_cast<int32_t>(field->size());
}

// Bytes a nullable field takes on the wire: its zigzag varint length, then its bytes.
size_t field_wire_size(int32_t length) {
  return varint_size(zigzag_encode32(length)) + static_cast<size_t>(std::max(length, 0));
}

uint8_t* write_field(uint8_t* p, int32_t length, const uint8_t* data) {
  p += encode_varint(p, zigzag_encode32(length));
  if (length > 0) {
    std::memcpy(p, data, static_cast<size_t>(length));
    p += length;
  }
  return p;
}

}  // namespace

RecordBatchBuilder::RecordBatchBuilder(Compression codec)
    : codec_(Compression::kNone), buffer_(kInitialCapacity), end_(kBatchHeaderSize) {
  set_compression(codec);
}

void RecordBatchBuilder::set_compression(Compression codec) {
  CAUDAL_CHECK(static_cast<uint8_t>(codec) <= static_cast<uint8_t>(Compression::kZstd),
               fmt::format("unknown compression codec {}", static_cast<int>(codec)));
  codec_ = codec;
}

void RecordBatchBuilder::set_producer(int64_t producer_id, int16_t producer_epoch,
                                      int32_t base_sequence) {
  producer_id_ = producer_id;
  producer_epoch_ = producer_epoch;
  base_sequence_ = base_sequence;
}

uint8_t* RecordBatchBuilder::reserve(size_t n) {
  if (buffer_.size() - end_ < n) {
    buffer_.resize(std::max(buffer_.size() * 2, end_ + n));
  }
  return buffer_.data() + end_;
}

void RecordBatchBuilder::append(int64_t timestamp_ms, std::optional<ByteView> key,
                                std::optional<ByteView> value,
                                std::span<const RecordHeader> headers) {
  CAUDAL_CHECK(!built_, "append() after build() needs a reset() first");
  CAUDAL_CHECK(record_count_ < INT32_MAX, "a batch holds at most 2^31 - 1 records");
  if (record_count_ == 0) {
    base_timestamp_ = timestamp_ms;
    max_timestamp_ = timestamp_ms;
  } else {
    max_timestamp_ = std::max(max_timestamp_, timestamp_ms);
  }
  // Wrapping subtraction: the reader adds the delta back with the same wrap, so even
  // timestamps at opposite ends of int64 round-trip.
  const uint64_t timestamp_delta = zigzag_encode64(static_cast<int64_t>(
      static_cast<uint64_t>(timestamp_ms) - static_cast<uint64_t>(base_timestamp_)));
  const uint32_t offset_delta = zigzag_encode32(record_count_);
  const int32_t key_length = field_length(key);
  const int32_t value_length = field_length(value);
  CAUDAL_CHECK(headers.size() <= INT32_MAX, "too many record headers");
  const int32_t header_count = static_cast<int32_t>(headers.size());

  size_t body = 1 /* attributes */ + varint_size(timestamp_delta) + varint_size(offset_delta) +
                field_wire_size(key_length) + field_wire_size(value_length) +
                varint_size(zigzag_encode32(header_count));
  for (const RecordHeader& h : headers) {
    CAUDAL_CHECK(h.key.size() <= INT32_MAX, "record header key over 2 GiB");
    body += field_wire_size(static_cast<int32_t>(h.key.size())) +
            field_wire_size(field_length(h.value));
  }
  CAUDAL_CHECK(body <= INT32_MAX, "record over 2 GiB");

  uint8_t* p = reserve(kMaxVarint32Bytes + body);
  p += encode_varint(p, zigzag_encode32(static_cast<int32_t>(body)));
  *p++ = 0;  // record attributes: unused by Kafka, always 0
  p += encode_varint(p, timestamp_delta);
  p += encode_varint(p, offset_delta);
  p = write_field(p, key_length, key ? key->data() : nullptr);
  p = write_field(p, value_length, value ? value->data() : nullptr);
  p += encode_varint(p, zigzag_encode32(header_count));
  for (const RecordHeader& h : headers) {
    p = write_field(p, static_cast<int32_t>(h.key.size()),
                    reinterpret_cast<const uint8_t*>(h.key.data()));
    p = write_field(p, field_length(h.value), h.value ? h.value->data() : nullptr);
  }
  end_ = static_cast<size_t>(p - buffer_.data());
  ++record_count_;
}

void RecordBatchBuilder::truncate(const Mark& mark) {
  CAUDAL_CHECK(!built_, "truncate() after build() needs a reset() first");
  CAUDAL_CHECK(
      mark.end >= kBatchHeaderSize && mark.end <= end_ && mark.record_count <= record_count_,
      "truncate() to a mark beyond the batch");
  end_ = mark.end;
  record_count_ = mark.record_count;
  // The base timestamp stays: it belongs to the first record, which a cut either keeps or
  // drops with all the others (and then the next append sets it again).
  max_timestamp_ = mark.max_timestamp;
}

Result<ByteView> RecordBatchBuilder::build() {
  CAUDAL_CHECK(record_count_ > 0, "build() of a batch without records");
  CAUDAL_CHECK(!built_, "build() called twice without reset()");

  uint8_t* batch = buffer_.data();
  size_t size = end_;
  if (codec_ != Compression::kNone) {
    compressed_.resize(kBatchHeaderSize);
    CAUDAL_RETURN_IF_ERROR(compressor_.compress(
        codec_, ByteView(buffer_.data() + kBatchHeaderSize, end_ - kBatchHeaderSize), compressed_));
    batch = compressed_.data();
    size = compressed_.size();
  }
  if (size - kBatchLengthPrefix > INT32_MAX) {
    return Status(Errc::kBatchTooLarge,
                  fmt::format("built batch of {} records is {} bytes, over the 2 GiB a batch "
                              "length can express",
                              record_count_, size));
  }

  RecordBatchHeader header;
  header.base_offset = 0;
  header.batch_length = static_cast<int32_t>(size - kBatchLengthPrefix);
  header.partition_leader_epoch = kNoPartitionLeaderEpoch;
  header.magic = 2;
  header.attributes = static_cast<int16_t>(codec_);
  header.last_offset_delta = record_count_ - 1;
  header.base_timestamp = base_timestamp_;
  header.max_timestamp = max_timestamp_;
  header.producer_id = producer_id_;
  header.producer_epoch = producer_epoch_;
  header.base_sequence = base_sequence_;
  header.record_count = record_count_;
  header.encode(batch);
  seal_batch_crc(batch, size);
  built_ = true;
  return ByteView(batch, size);
}

void RecordBatchBuilder::reset() {
  end_ = kBatchHeaderSize;
  compressed_.clear();
  record_count_ = 0;
  base_timestamp_ = 0;
  max_timestamp_ = 0;
  producer_id_ = -1;
  producer_epoch_ = -1;
  base_sequence_ = -1;
  built_ = false;
}

}  // namespace caudal::log
