#include "log/record_batch_builder.h"

#include <string>

#include <gtest/gtest.h>

namespace caudal::log {
namespace {

// The exact bytes of a two-record uncompressed batch, written field by field from Kafka's
// DefaultRecordBatch / DefaultRecord layout (reference/kafka-protocol.md §2). The CRC-32C was
// computed independently (bitwise Castagnoli over bytes 21..end).
Bytes hand_built_batch() {
  Bytes b;
  auto be = [&](uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  auto raw = [&](std::initializer_list<uint8_t> bytes) { b.insert(b.end(), bytes); };
  auto text = [&](std::string_view s) { b.insert(b.end(), s.begin(), s.end()); };

  be(0, 8);                   // baseOffset: 0, the log assigns the real one
  be(73, 4);                  // batchLength: 85 bytes in all minus the 12 before this point
  be(0xffffffff, 4);          // partitionLeaderEpoch: -1, as producers send
  raw({2});                   // magic
  be(0xc4573a3d, 4);          // crc: CRC-32C of bytes 21..84
  be(0, 2);                   // attributes: no codec, CreateTime
  be(1, 4);                   // lastOffsetDelta
  be(1'700'000'000'000, 8);   // baseTimestamp: the first record's
  be(1'700'000'000'005, 8);   // maxTimestamp
  be(0xffffffffffffffff, 8);  // producerId: -1
  be(0xffff, 2);              // producerEpoch: -1
  be(0xffffffff, 4);          // baseSequence: -1
  be(2, 4);                   // recordCount
  // Record 0: length 16 (zigzag 32), attributes 0, timestampDelta 0, offsetDelta 0,
  // key "k" (zigzag 2), value "hello" (zigzag 10), 1 header "h" -> "v".
  raw({0x20, 0x00, 0x00, 0x00, 0x02});
  text("k");
  raw({0x0a});
  text("hello");
  raw({0x02, 0x02});
  text("h");
  raw({0x02});
  text("v");
  // Record 1: length 6 (zigzag 12), attributes 0, timestampDelta 5 (zigzag 10),
  // offsetDelta 1 (zigzag 2), null key (-1 -> zigzag 1), empty value (0), no headers.
  raw({0x0c, 0x00, 0x0a, 0x02, 0x01, 0x00, 0x00});
  return b;
}

TEST(RecordBatchBuilderTest, MatchesHandBuiltBytesExactly) {
  RecordBatchBuilder builder;
  const RecordHeader header{"h", as_bytes("v")};
  builder.append(1'700'000'000'000, as_bytes("k"), as_bytes("hello"), {&header, 1});
  builder.append(1'700'000'000'005, std::nullopt, ByteView());
  EXPECT_EQ(builder.record_count(), 2);
  EXPECT_EQ(builder.uncompressed_size(), 85u);
  auto batch = builder.build();
  ASSERT_TRUE(batch.ok()) << batch.status().to_string();
  const Bytes expected = hand_built_batch();
  ASSERT_EQ(batch->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ((*batch)[i], expected[i]) << "byte " << i;
  }
  EXPECT_TRUE(validate_batch(*batch).ok());
}

TEST(RecordBatchBuilderTest, ProducerFieldsTimestampsAndCodecGoInTheHeader) {
  RecordBatchBuilder builder(Compression::kLz4);
  builder.set_producer(9001, 3, 120);
  builder.append(5000, std::nullopt, as_bytes("a"));
  builder.append(4000, std::nullopt, as_bytes("b"));  // earlier than the first: negative delta
  builder.append(7000, std::nullopt, as_bytes("c"));
  builder.append(6000, std::nullopt, as_bytes("d"));
  auto batch = builder.build();
  ASSERT_TRUE(batch.ok());
  auto h = validate_batch(*batch);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(h->compression(), Compression::kLz4);
  EXPECT_EQ(h->producer_id, 9001);
  EXPECT_EQ(h->producer_epoch, 3);
  EXPECT_EQ(h->base_sequence, 120);
  EXPECT_EQ(h->base_timestamp, 5000);
  EXPECT_EQ(h->max_timestamp, 7000);
  EXPECT_EQ(h->record_count, 4);
  EXPECT_EQ(h->last_offset_delta, 3);
  EXPECT_EQ(h->base_offset, 0);
  EXPECT_EQ(h->partition_leader_epoch, -1);
  EXPECT_FALSE(h->log_append_time());
  EXPECT_FALSE(h->transactional());
}

TEST(RecordBatchBuilderTest, ResetStartsAFreshBatchWithTheSameCodec) {
  RecordBatchBuilder builder(Compression::kZstd);
  builder.set_producer(1, 1, 1);
  for (int i = 0; i < 500; ++i) builder.append(i, as_bytes("key"), as_bytes("value value"));
  ASSERT_TRUE(builder.build().ok());
  builder.reset();
  EXPECT_TRUE(builder.empty());
  EXPECT_EQ(builder.uncompressed_size(), kBatchHeaderSize);
  EXPECT_EQ(builder.compression(), Compression::kZstd);

  builder.append(10, std::nullopt, as_bytes("only"));
  auto second = builder.build();
  ASSERT_TRUE(second.ok());
  auto h = validate_batch(*second);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(h->record_count, 1);
  EXPECT_EQ(h->base_timestamp, 10);
  EXPECT_EQ(h->producer_id, -1);  // producer fields are per batch
  EXPECT_EQ(h->compression(), Compression::kZstd);

  // Same records, same bytes: a reused builder leaves nothing of earlier batches behind.
  auto fill = [](RecordBatchBuilder& b) {
    for (int i = 0; i < 3; ++i) b.append(i, as_bytes("x"), as_bytes("y"));
  };
  RecordBatchBuilder fresh;
  fill(fresh);
  auto fresh_batch = fresh.build();
  ASSERT_TRUE(fresh_batch.ok());
  builder.reset();
  builder.set_compression(Compression::kNone);
  fill(builder);
  auto reused_batch = builder.build();
  ASSERT_TRUE(reused_batch.ok());
  EXPECT_EQ(as_chars(*reused_batch), as_chars(*fresh_batch));
}

TEST(RecordBatchBuilderTest, TruncateDropsTheRecordsAfterTheMark) {
  RecordBatchBuilder builder;
  builder.append(100, as_bytes("a"), as_bytes("first"));
  const RecordBatchBuilder::Mark after_first = builder.mark();
  builder.append(900, as_bytes("b"), as_bytes("given up"));
  builder.append(950, std::nullopt, as_bytes("given up too"));
  builder.truncate(after_first);
  EXPECT_EQ(builder.record_count(), 1);
  builder.append(200, as_bytes("c"), as_bytes("second"));

  // Byte for byte what a builder that never saw the dropped records makes: offsets, max
  // timestamp and lengths carry nothing of them.
  RecordBatchBuilder clean;
  clean.append(100, as_bytes("a"), as_bytes("first"));
  clean.append(200, as_bytes("c"), as_bytes("second"));
  auto cut = builder.build();
  auto expected = clean.build();
  ASSERT_TRUE(cut.ok() && expected.ok());
  EXPECT_EQ(as_chars(*cut), as_chars(*expected));
  auto header = validate_batch(*cut);
  ASSERT_TRUE(header.ok()) << header.status().to_string();
  EXPECT_EQ(header->max_timestamp, 200);

  // Cut back to empty, the next record starts the batch afresh, timestamps included.
  RecordBatchBuilder emptied;
  const RecordBatchBuilder::Mark start = emptied.mark();
  emptied.append(5, std::nullopt, as_bytes("dropped"));
  emptied.truncate(start);
  EXPECT_TRUE(emptied.empty());
  emptied.append(70, std::nullopt, as_bytes("kept"));
  auto only = emptied.build();
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(validate_batch(*only)->base_timestamp, 70);
}

TEST(RecordBatchBuilderDeathTest, MisuseStopsTheProcess) {
  RecordBatchBuilder empty;
  EXPECT_DEATH((void)empty.build(), "build\\(\\) of a batch without records");
  RecordBatchBuilder built;
  built.append(1, std::nullopt, as_bytes("v"));
  ASSERT_TRUE(built.build().ok());
  EXPECT_DEATH(built.append(2, std::nullopt, as_bytes("w")), "needs a reset\\(\\) first");
}

}  // namespace
}  // namespace caudal::log
