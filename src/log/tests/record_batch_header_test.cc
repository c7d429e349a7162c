#include "log/record_batch_header.h"

#include <gtest/gtest.h>

#include "log/errc.h"

namespace caudal::log {
namespace {

// A batch with one empty-bodied record region of `body` bytes, sealed with a correct CRC.
Bytes make_batch(int32_t records, size_t body = 10) {
  Bytes batch(kBatchHeaderSize + body, 0xAB);
  RecordBatchHeader h;
  h.batch_length = static_cast<int32_t>(batch.size() - kBatchLengthPrefix);
  h.last_offset_delta = records - 1;
  h.record_count = records;
  h.base_timestamp = 1'700'000'000'000;
  h.max_timestamp = 1'700'000'000'500;
  h.encode(batch.data());
  seal_batch_crc(batch.data(), batch.size());
  return batch;
}

TEST(RecordBatchHeaderTest, RoundTripAndValidate) {
  Bytes batch = make_batch(3);
  auto h = validate_batch(batch);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(h->record_count, 3);
  EXPECT_EQ(h->last_offset_delta, 2);
  EXPECT_EQ(h->total_size(), batch.size());
  EXPECT_EQ(h->compression(), Compression::kNone);
  EXPECT_EQ(h->max_timestamp, 1'700'000'000'500);
}

TEST(RecordBatchHeaderTest, BaseOffsetAndEpochRewriteKeepsCrc) {
  Bytes batch = make_batch(5);
  set_batch_base_offset(batch.data(), 123456789);
  set_batch_partition_leader_epoch(batch.data(), 7);
  auto h = validate_batch(batch);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(h->base_offset, 123456789);
  EXPECT_EQ(h->last_offset(), 123456793);
  EXPECT_EQ(h->partition_leader_epoch, 7);
}

TEST(RecordBatchHeaderTest, RejectsEachKindOfDamage) {
  auto expect_error = [](const Bytes& batch, Errc code, std::string_view text) {
    auto h = validate_batch(batch);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.status().code(), make_error_code(code));
    EXPECT_NE(h.status().message().find(text), std::string::npos) << h.status().message();
  };
  Bytes flipped = make_batch(1);
  flipped[kBatchHeaderSize + 3] ^= 0x40;
  expect_error(flipped, Errc::kCorruptBatch, "CRC mismatch");

  Bytes short_batch(20, 0);
  expect_error(short_batch, Errc::kCorruptBatch, "shorter than the 61-byte header");

  Bytes magic1 = make_batch(1);
  magic1[batch_offsets::kMagic] = 1;
  expect_error(magic1, Errc::kUnsupportedFormat, "magic is 1");

  Bytes truncated = make_batch(1);
  truncated.pop_back();
  expect_error(truncated, Errc::kCorruptBatch, "but 70 were given");

  Bytes mismatch = make_batch(4);
  store_be32(mismatch.data() + batch_offsets::kRecordCount, 9);
  seal_batch_crc(mismatch.data(), mismatch.size());
  expect_error(mismatch, Errc::kCorruptBatch, "record_count 9 does not match last_offset_delta 3");

  Bytes control = make_batch(1);
  store_be16(control.data() + batch_offsets::kAttributes, 0x20);
  seal_batch_crc(control.data(), control.size());
  expect_error(control, Errc::kCorruptBatch, "control batches");

  Bytes codec = make_batch(1);
  store_be16(codec.data() + batch_offsets::kAttributes, 0x05);
  seal_batch_crc(codec.data(), codec.size());
  expect_error(codec, Errc::kUnsupportedFormat, "unknown compression codec 5");
}

}  // namespace
}  // namespace caudal::log
