// The four compression codecs of Kafka v2 record batches, which compress everything after the
// 61-byte header (the records region). Wire forms (docs/record-batches.md §Compression):
//   gzip    a gzip stream (RFC 1952); concatenated members are accepted on decode
//   snappy  decode: raw snappy (librdkafka, Java) or xerial framing (kafka-python);
//           encode: raw snappy
//   lz4     the LZ4 frame format, independent 64 KiB blocks (what Kafka's Java client reads)
//   zstd    zstd frames; decode streams, so frames without a content size work too
//
// Decompression reads untrusted bytes: every decoder stops at a caller-given cap on the output
// size, so a small batch that inflates to gigabytes (a "zip bomb") is refused, not allocated.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"
#include "log/record_batch_header.h"

namespace caudal::log {

// Default cap on a batch's decompressed records region: 64 times Kafka's default
// max.message.bytes (1 MiB), rounded to 64 MiB. A batch within the size limit that inflates
// beyond this is treated as hostile.
inline constexpr size_t kDefaultMaxDecompressedBytes = size_t{64} << 20;

// "none", "gzip", "snappy", "lz4", "zstd", or "unknown" for a code outside Kafka's set.
std::string_view compression_name(Compression codec);

// Compresses with reusable codec contexts (a zstd context, a deflate stream), so a caller that
// compresses batch after batch allocates them once. Not thread-safe: one per thread or owner.
class Compressor {
 public:
  Compressor();
  ~Compressor();
  Compressor(Compressor&&) noexcept;
  Compressor& operator=(Compressor&&) noexcept;

  // Appends the compressed form of `input` to `out` (existing bytes of `out` are kept).
  // kNone appends `input` unchanged. An unknown codec is Errc::kUnsupportedFormat.
  Status compress(Compression codec, ByteView input, Bytes& out);

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
};

// Decompresses with reusable codec contexts. Not thread-safe: one per thread or owner.
class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(Decompressor&&) noexcept;
  Decompressor& operator=(Decompressor&&) noexcept;

  // Replaces the contents of `out` with the decompressed form of `input` (the capacity of
  // `out` is reused). Errors, all naming the codec:
  //   Errc::kCorruptBatch       the bytes are not a complete, valid stream of the codec
  //   Errc::kBatchTooLarge      the output would exceed `max_output` bytes
  //   Errc::kUnsupportedFormat  an unknown codec
  // After an error the contents of `out` are unspecified.
  Status decompress(Compression codec, ByteView input, size_t max_output, Bytes& out);

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
};

}  // namespace caudal::log
