// RecordBatchBuilder writes Kafka v2 record batches for Caudal's own producers (HTTP ingest,
// pipelines), in the form a Kafka producer would send them: magic 2, base offset 0 (the log
// assigns the real one on append), offset deltas 0..n-1, timestamp deltas from the first
// record, partition leader epoch -1, producer id/epoch/sequence -1 unless set, the records
// region optionally compressed, and the CRC sealed. Format: docs/record-batches.md.
//
// Built for the hot path: appending writes each record's varints and bytes straight into a
// buffer that reset() keeps, so after the first few batches no call allocates (except that a
// compressed build() may grow its output buffer once).
//
// One owner, one thread. Typical use:
//
//   RecordBatchBuilder builder(Compression::kZstd);
//   for (...) builder.append(ts, key, value);
//   CAUDAL_ASSIGN_OR_RETURN(ByteView batch, builder.build());
//   ... append `batch` to a partition (which copies it) ...
//   builder.reset();
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/bytes.h"
#include "common/result.h"
#include "log/compression.h"
#include "log/record.h"
#include "log/record_batch_header.h"

namespace caudal::log {

class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(Compression codec = Compression::kNone);

  // The codec build() uses. May be changed at any time before build(). Precondition: one of
  // Kafka's five codecs.
  void set_compression(Compression codec);
  Compression compression() const { return codec_; }

  // Idempotent-producer fields of the batch being built (default -1, -1, -1). Cleared by
  // reset(), since the sequence differs for every batch.
  void set_producer(int64_t producer_id, int16_t producer_epoch, int32_t base_sequence);

  // Adds one record. Absent key or value is Kafka's null. The bytes are copied; nothing is
  // borrowed past the call. Preconditions (checked, the process stops otherwise): build() has
  // not been called since the last reset(); fewer than 2^31 - 1 records; every key, value and
  // header fits in 2^31 - 1 bytes. Callers enforce their own, smaller size limits first.
  void append(int64_t timestamp_ms, std::optional<ByteView> key, std::optional<ByteView> value,
              std::span<const RecordHeader> headers = {});

  int32_t record_count() const { return record_count_; }
  bool empty() const { return record_count_ == 0; }
  // Size of the batch so far without compression, header included: the size build() returns
  // for Compression::kNone. Lets a caller cut batches at a byte limit.
  size_t uncompressed_size() const { return end_; }

  // A point in the batch being built, to cut it back to: lets one builder gather the records
  // of several callers and drop the trailing records of one that gives up (the HTTP gateway
  // coalesces requests this way).
  struct Mark {
    size_t end = 0;
    int32_t record_count = 0;
    int64_t max_timestamp = 0;
  };
  Mark mark() const { return Mark{end_, record_count_, max_timestamp_}; }
  // Drops every record appended after `mark` was taken. Precondition: `mark` came from this
  // batch (no reset() since) and build() has not been called.
  void truncate(const Mark& mark);

  // Finishes the batch: compresses the records region if a codec is set, writes the header,
  // seals the CRC. The bytes stay valid and unchanged until reset() or destruction. Returns
  // Errc::kBatchTooLarge when the result does not fit a batch's int32 length field.
  // Precondition: at least one record; build() was not already called since reset().
  Result<ByteView> build();

  // Starts a new batch, keeping the codec and the buffers' capacity (so a builder that once
  // built a large batch keeps that memory until destroyed).
  void reset();

 private:
  // Returns room for at least n more bytes at end_.
  uint8_t* reserve(size_t n);

  Compression codec_;
  Compressor compressor_;
  // buffer_[0, 61) is room for the header; records follow up to end_. buffer_.size() is the
  // capacity in use: it only grows, so writes never pay for zero-filling again.
  Bytes buffer_;
  size_t end_;
  // Header plus compressed records region, when a codec is set.
  Bytes compressed_;

  int32_t record_count_ = 0;
  int64_t base_timestamp_ = 0;
  int64_t max_timestamp_ = 0;
  int64_t producer_id_ = -1;
  int16_t producer_epoch_ = -1;
  int32_t base_sequence_ = -1;
  bool built_ = false;
};

}  // namespace caudal::log
