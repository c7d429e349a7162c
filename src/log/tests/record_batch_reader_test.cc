#include "log/record_batch_reader.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "log/errc.h"
#include "log/record_batch_builder.h"

namespace caudal::log {
namespace {

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};

using OptString = std::optional<std::string>;

// A record with owned bytes, for comparing what went in with what came out.
struct OwnedRecord {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  OptString key;
  OptString value;
  std::vector<std::pair<std::string, OptString>> headers;
  friend bool operator==(const OwnedRecord&, const OwnedRecord&) = default;
};

OptString own(const std::optional<ByteView>& v) {
  return v ? OptString(std::string(as_chars(*v))) : std::nullopt;
}
std::optional<ByteView> view_of(const OptString& s) {
  return s ? std::optional<ByteView>(as_bytes(*s)) : std::nullopt;
}

Result<std::vector<OwnedRecord>> read_all(RecordBatchReader& reader, ByteView batch) {
  CAUDAL_RETURN_IF_ERROR(reader.reset(batch));
  std::vector<OwnedRecord> out;
  for (;;) {
    CAUDAL_ASSIGN_OR_RETURN(const Record* r, reader.next());
    if (!r) break;
    OwnedRecord o{r->offset.value(), r->timestamp_ms, own(r->key), own(r->value), {}};
    for (const RecordHeader& h : r->headers) o.headers.emplace_back(h.key, own(h.value));
    EXPECT_EQ(static_cast<size_t>(r->headers.size()), o.headers.size());
    out.push_back(std::move(o));
  }
  return out;
}

Bytes build(Compression codec, const std::vector<OwnedRecord>& records) {
  RecordBatchBuilder builder(codec);
  std::vector<RecordHeader> headers;
  for (const OwnedRecord& r : records) {
    headers.clear();
    for (const auto& [k, v] : r.headers) headers.push_back({k, view_of(v)});
    builder.append(r.timestamp_ms, view_of(r.key), view_of(r.value), headers);
  }
  auto batch = builder.build();
  EXPECT_TRUE(batch.ok()) << batch.status().to_string();
  return Bytes(batch->begin(), batch->end());
}

// Records exercising every field shape: null and present keys, null and empty values,
// headers with null values, timestamps going backwards.
std::vector<OwnedRecord> varied_records(int count) {
  std::vector<OwnedRecord> records;
  for (int i = 0; i < count; ++i) {
    OwnedRecord r;
    r.offset = i;
    r.timestamp_ms = 1'700'000'000'000 + (i % 4 == 3 ? -i : i * 3);
    if (i % 3 != 0) r.key = "key-" + std::to_string(i);
    if (i % 5 == 0) {
      r.value = std::nullopt;
    } else if (i % 7 == 0) {
      r.value = "";
    } else {
      r.value = std::string(10 + i % 50, static_cast<char>('a' + i % 26));
    }
    for (int h = 0; h < i % 4; ++h) {
      r.headers.emplace_back("h" + std::to_string(h),
                             h == 1 ? OptString() : OptString("value-" + std::to_string(i)));
    }
    records.push_back(std::move(r));
  }
  return records;
}

void expect_error(const Status& s, Errc code, std::string_view text) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), make_error_code(code)) << s.to_string();
  EXPECT_NE(s.message().find(text), std::string::npos) << s.message();
}

class ReaderRoundTripTest : public ::testing::TestWithParam<Compression> {};

TEST_P(ReaderRoundTripTest, VariedRecords) {
  const auto records = varied_records(200);
  const Bytes batch = build(GetParam(), records);
  auto h = validate_batch(batch);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(h->compression(), GetParam());
  RecordBatchReader reader;
  auto read = read_all(reader, batch);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(*read, records);
  EXPECT_EQ(reader.records_read(), 200);
}

TEST_P(ReaderRoundTripTest, BigRecords) {
  std::vector<OwnedRecord> records;
  for (int i = 0; i < 3; ++i) {
    OwnedRecord r{i, 1000 + i, std::string(70000, 'k'), std::string((1 << 20) + i, 'v'), {}};
    r.headers.emplace_back(std::string(300, 'h'), std::string(100000, 'x'));
    records.push_back(std::move(r));
  }
  const Bytes batch = build(GetParam(), records);
  ASSERT_TRUE(validate_batch(batch).ok());
  RecordBatchReader reader;
  auto read = read_all(reader, batch);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(*read, records);
}

TEST_P(ReaderRoundTripTest, ManyRecordsWithAssignedBaseOffset) {
  auto records = varied_records(20000);
  Bytes batch = build(GetParam(), records);
  set_batch_base_offset(batch.data(), 1'000'000);
  ASSERT_TRUE(validate_batch(batch).ok());
  for (auto& r : records) r.offset += 1'000'000;
  RecordBatchReader reader;
  auto read = read_all(reader, batch);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(*read, records);
}

TEST_P(ReaderRoundTripTest, LogAppendTimeGivesEveryRecordTheMaxTimestamp) {
  auto records = varied_records(10);
  Bytes batch = build(GetParam(), records);
  // What a broker does for a LogAppendTime topic: set the bit and the max timestamp.
  store_be16(batch.data() + batch_offsets::kAttributes,
             static_cast<uint16_t>(load_be16(batch.data() + batch_offsets::kAttributes) | 0x08));
  store_be64(batch.data() + batch_offsets::kMaxTimestamp, 1'800'000'000'000);
  seal_batch_crc(batch.data(), batch.size());
  ASSERT_TRUE(validate_batch(batch).ok());
  RecordBatchReader reader;
  auto read = read_all(reader, batch);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  ASSERT_EQ(read->size(), records.size());
  for (const auto& r : *read) EXPECT_EQ(r.timestamp_ms, 1'800'000'000'000);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, ReaderRoundTripTest, ::testing::ValuesIn(kCodecs),
                         [](const auto& param_info) {
                           return std::string(compression_name(param_info.param));
                         });

TEST(RecordBatchReaderTest, ExtremeTimestampsRoundTrip) {
  std::vector<OwnedRecord> records = {{0, INT64_MAX, "a", "1", {}},
                                      {1, INT64_MIN, std::nullopt, "2", {}},
                                      {2, -1, "c", std::nullopt, {}}};
  const Bytes batch = build(Compression::kNone, records);
  RecordBatchReader reader;
  auto read = read_all(reader, batch);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(*read, records);
}

TEST(RecordBatchReaderTest, OneReaderServesBatchAfterBatchOfAnyCodec) {
  RecordBatchReader reader;
  for (int round = 0; round < 3; ++round) {
    for (Compression codec : kCodecs) {
      auto records = varied_records(50 + round);
      const Bytes batch = build(codec, records);
      auto read = read_all(reader, batch);
      ASSERT_TRUE(read.ok()) << read.status().to_string();
      EXPECT_EQ(*read, records) << compression_name(codec);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Damage. Each batch below has a correct header and CRC, so it passes validate_batch(); only
// its records region is wrong.

Bytes sealed_batch(const Bytes& region, int32_t record_count, int16_t attributes = 0) {
  Bytes batch(kBatchHeaderSize);
  batch.insert(batch.end(), region.begin(), region.end());
  RecordBatchHeader h;
  h.batch_length = static_cast<int32_t>(batch.size() - kBatchLengthPrefix);
  h.attributes = attributes;
  h.record_count = record_count;
  h.last_offset_delta = record_count - 1;
  h.encode(batch.data());
  seal_batch_crc(batch.data(), batch.size());
  EXPECT_TRUE(validate_batch(batch).ok());
  return batch;
}

// A valid record: length 6, attributes 0, timestamp delta 0, offset delta `delta` (< 64),
// null key, empty value, no headers.
Bytes good_record(uint8_t delta) {
  return {0x0c, 0x00, 0x00, static_cast<uint8_t>(delta * 2), 0x01, 0x00, 0x00};
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Reads the batch to its end and returns the first error.
Status read_error(const Bytes& batch, size_t cap = kDefaultMaxDecompressedBytes) {
  RecordBatchReader reader(cap);
  auto read = read_all(reader, batch);
  return read.ok() ? Status() : read.status();
}

TEST(RecordBatchReaderDamageTest, NegativeRecordLength) {
  expect_error(read_error(sealed_batch({0x09, 0x00}, 1)), Errc::kCorruptBatch,
               "record 0 of 1, at byte 0 of the records region: record length -5 is negative");
}

TEST(RecordBatchReaderDamageTest, RecordLengthBeyondTheRegion) {
  expect_error(read_error(sealed_batch({0x40, 0x00, 0x00, 0x00, 0x01, 0x00}, 1)),
               Errc::kCorruptBatch,
               "record 0 of 1, at byte 0 of the records region: record length 32 exceeds the 5 "
               "bytes left in the region");
}

TEST(RecordBatchReaderDamageTest, KeyLengthBelowMinusOne) {
  // length 6: attributes, timestamp delta, offset delta, key length -2 (zigzag 3), ...
  expect_error(read_error(sealed_batch({0x0c, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00}, 1)),
               Errc::kCorruptBatch,
               "record 0 of 1, at byte 4 of the records region: key length -2 is negative and "
               "not -1 (null)");
}

TEST(RecordBatchReaderDamageTest, ValueLongerThanTheRecord) {
  expect_error(read_error(sealed_batch({0x0c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x00}, 1)),
               Errc::kCorruptBatch,
               "at byte 5 of the records region: value length 10 exceeds the 1 bytes left in "
               "the record");
}

TEST(RecordBatchReaderDamageTest, NegativeHeaderCount) {
  expect_error(read_error(sealed_batch({0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x05}, 1)),
               Errc::kCorruptBatch, "at byte 6 of the records region: header count -3 is negative");
}

TEST(RecordBatchReaderDamageTest, NullHeaderKey) {
  // One header whose key length is -1.
  expect_error(read_error(sealed_batch({0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x01, 0x00}, 1)),
               Errc::kCorruptBatch,
               "at byte 7 of the records region: header 0 key length -1 is negative (header 0 "
               "key may not be null)");
}

TEST(RecordBatchReaderDamageTest, HeaderValueCutShort) {
  // Header 0: key "a", value length 5 with one byte left.
  expect_error(
      read_error(sealed_batch({0x14, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x02, 'a', 0x0a, 'x'}, 1)),
      Errc::kCorruptBatch,
      "at byte 9 of the records region: header 0 value length 5 exceeds the 1 bytes left");
}

TEST(RecordBatchReaderDamageTest, OverlongVarints) {
  // Timestamp delta as 11 continuation bytes: longer than any varlong.
  Bytes region = {0x1a, 0x00};
  region.insert(region.end(), 11, 0x80);
  region.push_back(0x00);
  expect_error(read_error(sealed_batch(region, 1)), Errc::kCorruptBatch,
               "at byte 2 of the records region: timestamp delta varint is longer than 10 bytes");

  // Key length as 6 bytes.
  expect_error(
      read_error(sealed_batch({0x12, 0x00, 0x00, 0x00, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00}, 1)),
      Errc::kCorruptBatch,
      "at byte 4 of the records region: key length varint is longer than 5 bytes");

  // Key length in 5 bytes but over 32 bits.
  expect_error(read_error(sealed_batch({0x10, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x7f}, 1)),
               Errc::kCorruptBatch,
               "at byte 4 of the records region: key length varint "
               "overflows 32 bits");

  // The record length itself, cut short by the end of the region.
  expect_error(read_error(sealed_batch({0x80, 0x80}, 1)), Errc::kCorruptBatch,
               "at byte 0 of the records region: record length varint is cut short");
}

TEST(RecordBatchReaderDamageTest, FieldsShorterThanTheRecordLength) {
  // Length says 8, the fields take 6.
  expect_error(read_error(sealed_batch({0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0xaa, 0xbb}, 1)),
               Errc::kCorruptBatch,
               "at byte 0 of the records region: record length 8 leaves 2 bytes after its "
               "fields");
}

TEST(RecordBatchReaderDamageTest, FieldsLongerThanTheRecordLength) {
  // Length says 5, so the header count falls outside the record.
  expect_error(read_error(sealed_batch({0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}, 1)),
               Errc::kCorruptBatch, "header count varint is cut short");
}

TEST(RecordBatchReaderDamageTest, FewerRecordsThanCounted) {
  expect_error(read_error(sealed_batch(concat({good_record(0), good_record(1)}), 3)),
               Errc::kCorruptBatch,
               "record 2 of 3, at byte 14 of the records region: the records region ends after "
               "2 records, but the header counts 3");
}

TEST(RecordBatchReaderDamageTest, TrailingGarbage) {
  expect_error(read_error(sealed_batch(concat({good_record(0), {0xde, 0xad, 0xbe}}), 1)),
               Errc::kCorruptBatch,
               "record 1 of 1, at byte 7 of the records region: 3 bytes of trailing garbage "
               "after the last record");
}

TEST(RecordBatchReaderDamageTest, OffsetDeltaOutOfSequence) {
  expect_error(read_error(sealed_batch(concat({good_record(0), good_record(5)}), 2)),
               Errc::kCorruptBatch,
               "record 1 of 2, at byte 10 of the records region: offset delta 5 where 1 was "
               "expected");
}

TEST(RecordBatchReaderDamageTest, ErrorsAreStickyAndRecordsBeforeThemAreServed) {
  RecordBatchReader reader;
  const Bytes batch = sealed_batch(concat({good_record(0), {0x09}}), 2);
  ASSERT_TRUE(reader.reset(batch).ok());
  auto first = reader.next();
  ASSERT_TRUE(first.ok());
  ASSERT_NE(*first, nullptr);
  EXPECT_EQ((*first)->offset, Offset(0));
  auto second = reader.next();
  expect_error(second.status(), Errc::kCorruptBatch, "record length -5 is negative");
  EXPECT_EQ(reader.next().status(), second.status());
}

TEST(RecordBatchReaderDamageTest, ErrorPositionsInCompressedBatchesAreInTheDecompressedRegion) {
  Compressor compressor;
  Bytes compressed;
  const Bytes region = concat({good_record(0), good_record(2)});
  ASSERT_TRUE(compressor.compress(Compression::kZstd, region, compressed).ok());
  expect_error(read_error(sealed_batch(compressed, 2, static_cast<int16_t>(Compression::kZstd))),
               Errc::kCorruptBatch,
               "record 1 of 2, at byte 10 of the decompressed records region: offset delta 2");
}

TEST(RecordBatchReaderDamageTest, UndecodableCompressedRegion) {
  const Bytes garbage = {0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  Bytes batch = sealed_batch(garbage, 1, static_cast<int16_t>(Compression::kGzip));
  set_batch_base_offset(batch.data(), 77);
  RecordBatchReader reader;
  expect_error(reader.reset(batch), Errc::kCorruptBatch,
               "records region of the batch at base offset 77: gzip decompression failed");
  expect_error(reader.next().status(), Errc::kCorruptBatch, "gzip decompression failed");
}

TEST(RecordBatchReaderDamageTest, DecompressionBombIsCapped) {
  // 16 MiB of one repeated record, which zstd squeezes to a few KiB.
  RecordBatchBuilder builder(Compression::kZstd);
  const Bytes value(1024, 'z');
  for (int i = 0; i < 16 * 1024; ++i) builder.append(0, std::nullopt, value);
  auto batch = builder.build();
  ASSERT_TRUE(batch.ok());
  EXPECT_LT(batch->size(), 64u * 1024);
  RecordBatchReader reader(1 << 20);
  expect_error(reader.reset(*batch), Errc::kBatchTooLarge,
               "zstd decompression stopped: output exceeds the limit of 1048576 bytes");
  RecordBatchReader generous(32 << 20);
  EXPECT_TRUE(generous.reset(*batch).ok());
}

TEST(RecordBatchReaderDamageTest, NextWithoutABatchIsAnError) {
  RecordBatchReader reader;
  expect_error(reader.next().status(), Errc::kCorruptBatch, "no batch");
  const Bytes short_batch(30, 0);
  expect_error(reader.reset(short_batch), Errc::kCorruptBatch, "shorter than the 61-byte header");
}

}  // namespace
}  // namespace caudal::log
