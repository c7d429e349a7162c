#include "common/crc32c.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace caudal {
namespace {

TEST(Crc32cTest, StandardCheckValue) {
  // The check value of CRC-32C over "123456789" (RFC 3720 and every CRC catalogue).
  EXPECT_EQ(crc32c::value(as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c::extend_portable(0, as_bytes("123456789")), 0xE3069283u);
}

TEST(Crc32cTest, Rfc3720Vectors) {
  // RFC 3720 appendix B.4: 32 bytes of zeros, of 0xFF, and ascending 0..31.
  Bytes zeros(32, 0x00);
  Bytes ones(32, 0xFF);
  Bytes ascending(32);
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(crc32c::value(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c::value(ones), 0x62A8AB43u);
  EXPECT_EQ(crc32c::value(ascending), 0x46DD794Eu);
  EXPECT_EQ(crc32c::value(ByteView()), 0u);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::string text = "The quick brown fox jumps over the lazy dog";
  uint32_t whole = crc32c::value(as_bytes(text));
  for (size_t split = 0; split <= text.size(); ++split) {
    uint32_t part = crc32c::extend(crc32c::value(as_bytes(text.substr(0, split))),
                                   as_bytes(text.substr(split)));
    EXPECT_EQ(part, whole) << "split at " << split;
  }
}

TEST(Crc32cTest, HardwareAndPortableAgreeOnRandomData) {
  if (!crc32c::hardware_available()) {
    // Both names resolve to the portable path; the agreement below is still checked.
    SUCCEED() << "no SSE4.2 on this CPU: comparing portable with itself";
  }
  std::mt19937_64 rng(42);
  for (int round = 0; round < 500; ++round) {
    Bytes data(rng() % 4096);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    // Unaligned starts exercise the byte-at-a-time heads and tails.
    size_t offset = data.empty() ? 0 : rng() % data.size();
    ByteView view = ByteView(data).subspan(offset);
    uint32_t seed = static_cast<uint32_t>(rng());
    uint32_t portable = crc32c::extend_portable(seed, view);
    uint32_t hardware = crc32c::hardware_available() ? crc32c::extend_hardware(seed, view)
                                                     : crc32c::extend_portable(seed, view);
    ASSERT_EQ(portable, hardware) << "round " << round << " size " << view.size();
  }
}

TEST(Crc32cTest, HardwareAndPortableAgreeOnLongInputs) {
  // Long inputs take the three-way interleaved paths (blocks of 256 and 8192 bytes).
  std::mt19937_64 rng(7);
  Bytes data(200'000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (size_t size : {767u, 768u, 769u, 24'575u, 24'576u, 24'577u, 50'000u, 200'000u}) {
    for (size_t offset : {0u, 3u}) {
      ByteView view = ByteView(data).subspan(offset, size - offset);
      uint32_t seed = static_cast<uint32_t>(rng());
      uint32_t hardware = crc32c::hardware_available() ? crc32c::extend_hardware(seed, view)
                                                       : crc32c::extend_portable(seed, view);
      ASSERT_EQ(crc32c::extend_portable(seed, view), hardware) << "size " << view.size();
    }
  }
}

TEST(Crc32cTest, CarrylessAndPortableAgree) {
  // Sizes around every fold boundary (512 to start, 256 per round, 64 and 16 per tail step),
  // with unaligned starts and random seeds.
  if (!crc32c::carryless_available()) {
    SUCCEED() << "no VPCLMULQDQ on this CPU: extend() never takes the carry-less path";
    return;
  }
  std::mt19937_64 rng(11);
  Bytes data(70'000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  std::vector<size_t> sizes;
  for (size_t size = 0; size < 1400; ++size) sizes.push_back(size);
  for (size_t size : {4095u, 4096u, 4097u, 65'535u, 65'536u, 65'599u, 69'990u}) sizes.push_back(size);
  for (size_t size : sizes) {
    size_t offset = rng() % 8;
    ByteView view = ByteView(data).subspan(offset, size);
    uint32_t seed = static_cast<uint32_t>(rng());
    ASSERT_EQ(crc32c::extend_portable(seed, view), crc32c::extend_carryless(seed, view))
        << "size " << size << " offset " << offset;
  }
}

TEST(Crc32cTest, DetectsSingleBitFlip) {
  Bytes data(1000, 0x5A);
  uint32_t before = crc32c::value(data);
  data[500] ^= 0x01;
  EXPECT_NE(crc32c::value(data), before);
}

}  // namespace
}  // namespace caudal
