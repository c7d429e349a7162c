#include "log/compression.h"

#include <random>
#include <snappy.h>
#include <string>
#include <zlib.h>
#include <zstd.h>

#include <gtest/gtest.h>
#include <lz4frame.h>

#include "log/errc.h"

namespace caudal::log {
namespace {

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};

// Text-like bytes that compress well but not to nothing.
Bytes compressible(size_t size) {
  Bytes out;
  out.reserve(size);
  std::mt19937 rng(7);
  const std::string_view words[] = {"sensor ", "motion ", "temperature=21.5 ", "id=42 ", "ok\n"};
  while (out.size() < size) {
    std::string_view w = words[rng() % 5];
    out.insert(out.end(), w.begin(), w.end());
  }
  out.resize(size);
  return out;
}

Bytes random_bytes(size_t size, uint32_t seed) {
  Bytes out(size);
  std::mt19937 rng(seed);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

void expect_error(const Status& s, Errc code, std::string_view text) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), make_error_code(code)) << s.to_string();
  EXPECT_NE(s.message().find(text), std::string::npos) << s.message();
}

class CodecTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CodecTest, RoundTripsEmptySmallLargeAndIncompressible) {
  Compressor compressor;
  Decompressor decompressor;
  for (const Bytes& input :
       {Bytes{}, Bytes{'x'}, compressible(1000), compressible(3 << 20), random_bytes(300000, 1)}) {
    Bytes compressed{0xEE, 0xFF};  // compress() appends after existing bytes
    ASSERT_TRUE(compressor.compress(GetParam(), input, compressed).ok());
    ASSERT_GE(compressed.size(), 2u);
    EXPECT_EQ(compressed[0], 0xEE);
    EXPECT_EQ(compressed[1], 0xFF);
    if (GetParam() != Compression::kNone && input.size() == size_t{3} << 20) {
      EXPECT_LT(compressed.size(), input.size() / 2) << compression_name(GetParam());
    }
    Bytes output{1, 2, 3};  // decompress() replaces whatever was there
    Status s =
        decompressor.decompress(GetParam(), ByteView(compressed).subspan(2), 64 << 20, output);
    ASSERT_TRUE(s.ok()) << s.to_string();
    EXPECT_EQ(output, input);
  }
}

TEST_P(CodecTest, OutputOverTheCapIsRefused) {
  Compressor compressor;
  Decompressor decompressor;
  const Bytes zeros(1 << 20, 0);  // 1 MiB of zeros squeezes into a few hundred bytes
  Bytes compressed;
  ASSERT_TRUE(compressor.compress(GetParam(), zeros, compressed).ok());
  Bytes output;
  expect_error(decompressor.decompress(GetParam(), compressed, 64 * 1024, output),
               Errc::kBatchTooLarge,
               std::string(compression_name(GetParam())) +
                   " decompression stopped: output "
                   "exceeds the limit of 65536 bytes");
  // Exactly at the cap is fine; one byte under is not.
  EXPECT_TRUE(decompressor.decompress(GetParam(), compressed, zeros.size(), output).ok());
  EXPECT_EQ(output.size(), zeros.size());
  expect_error(decompressor.decompress(GetParam(), compressed, zeros.size() - 1, output),
               Errc::kBatchTooLarge, "exceeds the limit");
  // The contexts survive a refused stream.
  ASSERT_TRUE(decompressor.decompress(GetParam(), compressed, zeros.size(), output).ok());
  EXPECT_EQ(output, zeros);
}

TEST_P(CodecTest, TruncatedAndGarbageInputAreCorrupt) {
  if (GetParam() == Compression::kNone) return;  // nothing to be corrupt
  Compressor compressor;
  Decompressor decompressor;
  const Bytes input = compressible(200000);
  Bytes compressed;
  ASSERT_TRUE(compressor.compress(GetParam(), input, compressed).ok());
  const std::string name(compression_name(GetParam()));
  Bytes output;

  Bytes truncated(compressed.begin(), compressed.end() - 7);
  expect_error(decompressor.decompress(GetParam(), truncated, 64 << 20, output),
               Errc::kCorruptBatch, name + " decompression failed");

  Bytes garbage = random_bytes(5000, 3);
  garbage[0] = 0x10;  // for snappy: a small declared length, so the block itself is judged
  expect_error(decompressor.decompress(GetParam(), garbage, 64 << 20, output), Errc::kCorruptBatch,
               name + " decompression failed");

  Bytes empty;
  expect_error(decompressor.decompress(GetParam(), empty, 64 << 20, output), Errc::kCorruptBatch,
               name + " decompression failed");

  // A flipped byte in the middle. Only gzip carries a checksum of the content here (the
  // batch CRC is what protects the others), so snappy, lz4 and zstd may decode some bytes;
  // none may crash or overrun (the sanitizer build checks that).
  Bytes flipped = compressed;
  flipped[flipped.size() / 2] ^= 0x5A;
  Status s = decompressor.decompress(GetParam(), flipped, 64 << 20, output);
  if (GetParam() == Compression::kGzip) {
    EXPECT_EQ(s.code(), make_error_code(Errc::kCorruptBatch)) << s.to_string();
  }

  // And a good stream still decodes afterwards.
  ASSERT_TRUE(decompressor.decompress(GetParam(), compressed, 64 << 20, output).ok());
  EXPECT_EQ(output, input);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecTest, ::testing::ValuesIn(kCodecs),
                         [](const auto& param_info) {
                           return std::string(compression_name(param_info.param));
                         });

TEST(CompressionTest, UnknownCodecIsUnsupported) {
  Compressor compressor;
  Decompressor decompressor;
  Bytes out;
  const Bytes input{1, 2, 3};
  expect_error(compressor.compress(static_cast<Compression>(5), input, out),
               Errc::kUnsupportedFormat, "unknown compression codec 5");
  expect_error(decompressor.decompress(static_cast<Compression>(7), input, 100, out),
               Errc::kUnsupportedFormat, "unknown compression codec 7");
  EXPECT_EQ(compression_name(static_cast<Compression>(6)), "unknown");
}

TEST(CompressionTest, GzipIsTheGzipWrapper) {
  Compressor compressor;
  Bytes out;
  ASSERT_TRUE(compressor.compress(Compression::kGzip, compressible(100), out).ok());
  ASSERT_GE(out.size(), 18u);
  EXPECT_EQ(out[0], 0x1f);  // RFC 1952 magic
  EXPECT_EQ(out[1], 0x8b);
}

TEST(CompressionTest, GzipConcatenatedMembersDecodeAsOneStream) {
  Compressor compressor;
  const Bytes a = compressible(5000);
  const Bytes b = random_bytes(3000, 9);
  Bytes both;
  ASSERT_TRUE(compressor.compress(Compression::kGzip, a, both).ok());
  ASSERT_TRUE(compressor.compress(Compression::kGzip, b, both).ok());
  Decompressor decompressor;
  Bytes out;
  ASSERT_TRUE(decompressor.decompress(Compression::kGzip, both, 1 << 20, out).ok());
  Bytes expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  EXPECT_EQ(out, expected);
}

TEST(CompressionTest, GzipWithLyingSizeTrailerIsCorrupt) {
  Compressor compressor;
  Bytes out;
  ASSERT_TRUE(compressor.compress(Compression::kGzip, compressible(5000), out).ok());
  out[out.size() - 1] = 0xff;  // ISIZE now claims ~4 GiB; its CRC-32 no longer holds either
  Decompressor decompressor;
  Bytes plain;
  expect_error(decompressor.decompress(Compression::kGzip, out, 1 << 20, plain),
               Errc::kCorruptBatch, "gzip decompression failed");
}

TEST(CompressionTest, Lz4IsAFrameWithIndependentBlocks) {
  Compressor compressor;
  Bytes out;
  ASSERT_TRUE(compressor.compress(Compression::kLz4, compressible(1000), out).ok());
  ASSERT_GE(out.size(), 7u);
  EXPECT_EQ(out[0], 0x04);  // frame magic 0x184D2204, little-endian
  EXPECT_EQ(out[1], 0x22);
  EXPECT_EQ(out[2], 0x4D);
  EXPECT_EQ(out[3], 0x18);
  const uint8_t flg = out[4];
  EXPECT_EQ(flg >> 6, 1);           // version 01
  EXPECT_TRUE(flg & 0x20);          // block independence
  EXPECT_FALSE(flg & 0x08);         // no content size
  EXPECT_EQ((out[5] >> 4) & 7, 4);  // BD: 64 KiB max block size
}

TEST(CompressionTest, Lz4FrameWithContentSizeAndChecksumDecodes) {
  const Bytes input = compressible(200000);
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = input.size();
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
  Bytes frame(LZ4F_compressFrameBound(input.size(), &prefs));
  size_t n = LZ4F_compressFrame(frame.data(), frame.size(), input.data(), input.size(), &prefs);
  ASSERT_FALSE(LZ4F_isError(n));
  frame.resize(n);
  Decompressor decompressor;
  Bytes out;
  ASSERT_TRUE(decompressor.decompress(Compression::kLz4, frame, 1 << 20, out).ok());
  EXPECT_EQ(out, input);
  frame[frame.size() - 2] ^= 1;  // break the content checksum
  expect_error(decompressor.decompress(Compression::kLz4, frame, 1 << 20, out), Errc::kCorruptBatch,
               "lz4 decompression failed");
}

TEST(CompressionTest, ZstdStreamedFrameWithoutContentSizeDecodes) {
  const Bytes input = compressible(500000);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ASSERT_EQ(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0)), 0u);
  Bytes frame(ZSTD_compressBound(input.size()));
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  ZSTD_outBuffer out{frame.data(), frame.size(), 0};
  size_t rc = ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end);
  ZSTD_freeCCtx(cctx);
  ASSERT_EQ(rc, 0u);
  frame.resize(out.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);

  Decompressor decompressor;
  Bytes plain;
  ASSERT_TRUE(decompressor.decompress(Compression::kZstd, frame, 1 << 20, plain).ok());
  EXPECT_EQ(plain, input);
  // Without a declared size the cap is enforced while streaming.
  expect_error(decompressor.decompress(Compression::kZstd, frame, 100000, plain),
               Errc::kBatchTooLarge, "zstd decompression stopped");
}

TEST(CompressionTest, ZstdDeclaredContentSizeOverCapIsRefusedUpFront) {
  Compressor compressor;
  Bytes frame;
  ASSERT_TRUE(compressor.compress(Compression::kZstd, Bytes(10 << 20, 'a'), frame).ok());
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), 10u << 20);
  Decompressor decompressor;
  Bytes plain;
  expect_error(decompressor.decompress(Compression::kZstd, frame, 1 << 20, plain),
               Errc::kBatchTooLarge, "exceeds the limit of 1048576 bytes");
}

// Xerial framing as kafka-python writes it (kafka/codec.py): the 8-byte magic
// 0x82 'SNAPPY' 0x00, big-endian int32 version 1 and compatible version 1, then blocks of
// big-endian int32 length + raw snappy block.
Bytes xerial_frame(ByteView input, size_t block_size) {
  Bytes out = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00, 0, 0, 0, 1, 0, 0, 0, 1};
  for (size_t pos = 0; pos < input.size(); pos += block_size) {
    const size_t n = std::min(block_size, input.size() - pos);
    std::string block;
    snappy::Compress(reinterpret_cast<const char*>(input.data() + pos), n, &block);
    uint8_t length[4];
    store_be32(length, static_cast<uint32_t>(block.size()));
    out.insert(out.end(), length, length + 4);
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

TEST(CompressionTest, SnappyXerialFramingDecodes) {
  const Bytes input = compressible(100000);
  const Bytes framed = xerial_frame(input, 32 * 1024);  // kafka-python's default block size
  Decompressor decompressor;
  Bytes out;
  Status s = decompressor.decompress(Compression::kSnappy, framed, 1 << 20, out);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(out, input);

  // The cap counts across blocks.
  expect_error(decompressor.decompress(Compression::kSnappy, framed, 50000, out),
               Errc::kBatchTooLarge, "snappy decompression stopped");

  // A header with no blocks is an empty payload.
  const Bytes header_only(framed.begin(), framed.begin() + 16);
  ASSERT_TRUE(decompressor.decompress(Compression::kSnappy, header_only, 100, out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(CompressionTest, SnappyXerialDamageIsCorrupt) {
  const Bytes input = compressible(70000);
  const Bytes framed = xerial_frame(input, 32 * 1024);
  Decompressor decompressor;
  Bytes out;

  const Bytes short_header(framed.begin(), framed.begin() + 12);
  expect_error(decompressor.decompress(Compression::kSnappy, short_header, 1 << 20, out),
               Errc::kCorruptBatch, "xerial header needs 16 bytes, only 12 given");

  Bytes overlong = framed;
  store_be32(overlong.data() + 16, 0x00ffffff);
  expect_error(decompressor.decompress(Compression::kSnappy, overlong, 1 << 20, out),
               Errc::kCorruptBatch, "xerial block at byte 16 claims 16777215 bytes");

  Bytes negative = framed;
  store_be32(negative.data() + 16, 0xfffffff0);
  expect_error(decompressor.decompress(Compression::kSnappy, negative, 1 << 20, out),
               Errc::kCorruptBatch, "claims -16 bytes");

  Bytes cut_length(framed.begin(), framed.begin() + 18);
  expect_error(decompressor.decompress(Compression::kSnappy, cut_length, 1 << 20, out),
               Errc::kCorruptBatch, "xerial block length at byte 16 is cut short");
}

}  // namespace
}  // namespace caudal::log
