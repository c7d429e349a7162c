#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "common/errc.h"

namespace caudal {
namespace {

TEST(ByteCodecTest, BigEndianLayout) {
  ByteWriter w;
  w.write_i16(0x0102);
  w.write_i32(0x03040506);
  w.write_i64(0x0708090A0B0C0D0ELL);
  Bytes expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  EXPECT_EQ(Bytes(w.view().begin(), w.view().end()), expected);

  ByteReader r(w.view());
  EXPECT_EQ(r.read_i16(), 0x0102);
  EXPECT_EQ(r.read_i32(), 0x03040506);
  EXPECT_EQ(r.read_i64(), 0x0708090A0B0C0D0ELL);
  EXPECT_TRUE(r.at_end());
  EXPECT_FALSE(r.failed());
}

TEST(ByteCodecTest, NegativeFixedWidthRoundTrip) {
  ByteWriter w;
  w.write_i16(-2);
  w.write_i32(std::numeric_limits<int32_t>::min());
  w.write_i64(-1);
  ByteReader r(w.view());
  EXPECT_EQ(r.read_i16(), -2);
  EXPECT_EQ(r.read_i32(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(r.read_i64(), -1);
}

// Vectors from the protobuf encoding guide (unsigned LEB128 and zigzag), which Kafka uses.
TEST(ByteCodecTest, UnsignedVarintVectors) {
  struct Case {
    uint64_t value;
    Bytes encoded;
  };
  const Case cases[] = {
      {0, {0x00}},
      {1, {0x01}},
      {127, {0x7F}},
      {128, {0x80, 0x01}},
      {150, {0x96, 0x01}},
      {300, {0xAC, 0x02}},
      {16384, {0x80, 0x80, 0x01}},
      {UINT32_MAX, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}},
      {UINT64_MAX, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
  };
  for (const auto& c : cases) {
    ByteWriter w;
    w.write_uvarint(c.value);
    EXPECT_EQ(Bytes(w.view().begin(), w.view().end()), c.encoded) << c.value;
    EXPECT_EQ(varint_size(c.value), c.encoded.size());
    ByteReader r(c.encoded);
    EXPECT_EQ(r.read_uvarint64(), c.value);
    EXPECT_TRUE(r.at_end());
  }
}

TEST(ByteCodecTest, ZigzagVectors) {
  EXPECT_EQ(zigzag_encode32(0), 0u);
  EXPECT_EQ(zigzag_encode32(-1), 1u);
  EXPECT_EQ(zigzag_encode32(1), 2u);
  EXPECT_EQ(zigzag_encode32(-2), 3u);
  EXPECT_EQ(zigzag_encode32(2147483647), 4294967294u);
  EXPECT_EQ(zigzag_encode32(-2147483647 - 1), 4294967295u);
  EXPECT_EQ(zigzag_encode64(std::numeric_limits<int64_t>::min()), UINT64_MAX);
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{63}, int64_t{-64}, int64_t{1} << 40,
                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    ByteWriter w;
    w.write_varlong(v);
    ByteReader r(w.view());
    EXPECT_EQ(r.read_varlong(), v);
  }
  // A Kafka record's "null key" length is varint -1, encoded as the single byte 0x01.
  ByteWriter w;
  w.write_varint(-1);
  EXPECT_EQ(Bytes(w.view().begin(), w.view().end()), Bytes{0x01});
}

TEST(ByteCodecTest, TruncatedInputFailsStickily) {
  Bytes two = {0x00, 0x01};
  ByteReader r(two);
  EXPECT_EQ(r.read_i32(), 0);
  ASSERT_TRUE(r.failed());
  EXPECT_EQ(r.status().code(), make_error_code(Errc::kTruncated));
  EXPECT_EQ(r.status().message(), "int32 needs 4 bytes at position 0, only 2 remain");
  EXPECT_EQ(r.read_u8(), 0);  // sticky: does not consume after failure
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteCodecTest, OverlongVarintIsMalformed) {
  Bytes eleven(11, 0x80);
  ByteReader r(eleven);
  r.read_uvarint64();
  ASSERT_TRUE(r.failed());
  EXPECT_EQ(r.status().code(), make_error_code(Errc::kMalformed));

  Bytes too_big_for_32 = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
  ByteReader r32(too_big_for_32);
  r32.read_uvarint32();
  ASSERT_TRUE(r32.failed());
  EXPECT_EQ(r32.status().code(), make_error_code(Errc::kOutOfRange));
}

TEST(ByteCodecTest, TruncatedVarint) {
  Bytes cut = {0x80, 0x80};
  ByteReader r(cut);
  r.read_uvarint32();
  ASSERT_TRUE(r.failed());
  EXPECT_EQ(r.status().code(), make_error_code(Errc::kTruncated));
}

TEST(ByteCodecTest, ReadBytesBorrowsAndChecksBounds) {
  Bytes data = {1, 2, 3, 4};
  ByteReader r(data);
  ByteView first = r.read_bytes(3);
  EXPECT_EQ(first.data(), data.data());
  EXPECT_EQ(first.size(), 3u);
  EXPECT_TRUE(r.read_bytes(2).empty());
  EXPECT_TRUE(r.failed());
}

TEST(ByteCodecTest, GrowPatchesLater) {
  ByteWriter w;
  uint8_t* slot = w.grow(4);
  store_be32(slot, 0xDEADBEEF);
  ByteReader r(w.view());
  EXPECT_EQ(r.read_be32(), 0xDEADBEEFu);
}

}  // namespace
}  // namespace caudal
