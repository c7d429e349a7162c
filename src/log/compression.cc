#include "log/compression.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cstring>
#include <snappy.h>
#include <span>
#include <string>
#include <zlib.h>
#include <zstd.h>

#include <fmt/format.h>
#include <lz4frame.h>

#include "common/check.h"
#include "common/result.h"
#include "log/errc.h"

namespace caudal::log {
namespace {

// kafka-python's xerial framing: this magic, two big-endian int32 versions, then blocks of
// (big-endian int32 length, raw snappy data).
constexpr uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = 16;

// The first output buffer of a streaming decode, when the stream gives no better hint.
constexpr size_t kMinOutputChunk = size_t{64} * 1024;
// Deflate cannot expand data by more than about 1032:1, so a gzip size hint above that ratio
// is a lie and must not drive an allocation.
constexpr size_t kDeflateMaxRatio = 1032;
// zstd window limits (log2 bytes). The floor admits every window ordinary encoders choose
// (level 19 uses 2^23); the ceiling is zstd's own default limit.
constexpr int kZstdMinWindowLog = 23;
constexpr int kZstdMaxWindowLog = 27;

Status corrupt(Compression codec, std::string_view what) {
  return Status(Errc::kCorruptBatch,
                fmt::format("{} decompression failed: {}", compression_name(codec), what));
}

Status too_large(Compression codec, size_t max_output) {
  return Status(Errc::kBatchTooLarge,
                fmt::format("{} decompression stopped: output exceeds the limit of {} bytes",
                            compression_name(codec), max_output));
}

Status unknown_codec(Compression codec) {
  return Status(Errc::kUnsupportedFormat,
                fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

// What one call of a streaming decoder did.
struct Step {
  size_t consumed = 0;
  size_t produced = 0;
  bool frame_end = false;  // a frame (gzip member) ended exactly at the consumed position
};

// Drives a streaming decoder over `input` into `out`, growing `out` by doubling up to one byte
// past `max_output` (that byte tells "exactly the cap" from "more than the cap"). `step`
// decodes from an input span into an output span; `next_frame` prepares the decoder for a
// frame that follows a finished one. The stream must end exactly at a frame end.
template <typename StepFn, typename NextFrameFn>
Status drain_stream(Compression codec, ByteView input, size_t max_output, size_t size_hint,
                    Bytes& out, StepFn&& step, NextFrameFn&& next_frame) {
  const size_t limit = max_output == SIZE_MAX ? SIZE_MAX : max_output + 1;
  size_t in = 0;
  size_t produced = 0;
  out.resize(std::min(limit, std::max(size_hint, kMinOutputChunk)));
  for (;;) {
    if (produced == out.size()) {
      out.resize(out.size() > limit / 2 ? limit : out.size() * 2);
    }
    CAUDAL_ASSIGN_OR_RETURN(Step s,
                            step(input.subspan(in), std::span<uint8_t>(out).subspan(produced)));
    in += s.consumed;
    produced += s.produced;
    if (produced > max_output) {
      return too_large(codec, max_output);
    }
    if (s.frame_end) {
      if (in == input.size()) {
        out.resize(produced);
        return Status();
      }
      next_frame();
      continue;
    }
    if (s.consumed == 0 && s.produced == 0) {
      return corrupt(codec, in == input.size()
                                ? fmt::format("input ends after {} bytes inside a stream", in)
                                : fmt::format("decoder stuck at input byte {}", in));
    }
  }
}

uInt clamp_uint(size_t n) {
  return static_cast<uInt>(std::min<size_t>(n, UINT_MAX));
}

}  // namespace

std::string_view compression_name(Compression codec) {
  switch (codec) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kSnappy: return "snappy";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Compressor

struct Compressor::Contexts {
  ZSTD_CCtx* zstd = nullptr;
  z_stream deflate{};
  bool deflate_ready = false;

  ~Contexts() {
    ZSTD_freeCCtx(zstd);
    if (deflate_ready) deflateEnd(&deflate);
  }
};

Compressor::Compressor() : contexts_(std::make_unique<Contexts>()) {}
Compressor::~Compressor() = default;
Compressor::Compressor(Compressor&&) noexcept = default;
Compressor& Compressor::operator=(Compressor&&) noexcept = default;

Status Compressor::compress(Compression codec, ByteView input, Bytes& out) {
  const size_t start = out.size();
  switch (codec) {
    case Compression::kNone: out.insert(out.end(), input.begin(), input.end()); return Status();

    case Compression::kGzip: {
      z_stream& z = contexts_->deflate;
      if (!contexts_->deflate_ready) {
        // windowBits 15 + 16 selects the gzip wrapper, which is what Kafka's Java client
        // (GZIPOutputStream) writes.
        int rc =
            deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
        CAUDAL_CHECK(rc == Z_OK, fmt::format("deflateInit2 failed: {}", rc));
        contexts_->deflate_ready = true;
      } else {
        deflateReset(&z);
      }
      CAUDAL_CHECK(input.size() <= UINT_MAX, "gzip input over 4 GiB");
      const size_t bound = deflateBound(&z, static_cast<uLong>(input.size()));
      out.resize(start + bound);
      z.next_in = const_cast<Bytef*>(input.data());
      z.avail_in = static_cast<uInt>(input.size());
      z.next_out = out.data() + start;
      z.avail_out = clamp_uint(bound);
      // With deflateBound's room, one Z_FINISH call always completes the stream.
      int rc = deflate(&z, Z_FINISH);
      CAUDAL_CHECK(rc == Z_STREAM_END, fmt::format("deflate did not finish: {}", rc));
      out.resize(start + z.total_out);
      return Status();
    }

    case Compression::kSnappy: {
      out.resize(start + snappy::MaxCompressedLength(input.size()));
      size_t written = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(input.data()), input.size(),
                          reinterpret_cast<char*>(out.data() + start), &written);
      out.resize(start + written);
      return Status();
    }

    case Compression::kLz4: {
      // Independent 64 KiB blocks and no content size: the frame options Kafka's Java
      // KafkaLZ4BlockInputStream can read.
      LZ4F_preferences_t prefs{};
      prefs.frameInfo.blockSizeID = LZ4F_max64KB;
      prefs.frameInfo.blockMode = LZ4F_blockIndependent;
      const size_t bound = LZ4F_compressFrameBound(input.size(), &prefs);
      out.resize(start + bound);
      size_t written =
          LZ4F_compressFrame(out.data() + start, bound, input.data(), input.size(), &prefs);
      CAUDAL_CHECK(!LZ4F_isError(written),
                   fmt::format("LZ4F_compressFrame failed: {}", LZ4F_getErrorName(written)));
      out.resize(start + written);
      return Status();
    }

    case Compression::kZstd: {
      if (contexts_->zstd == nullptr) {
        contexts_->zstd = ZSTD_createCCtx();
        CAUDAL_CHECK(contexts_->zstd != nullptr, "ZSTD_createCCtx failed");
      }
      const size_t bound = ZSTD_compressBound(input.size());
      out.resize(start + bound);
      size_t written =
          ZSTD_compress2(contexts_->zstd, out.data() + start, bound, input.data(), input.size());
      CAUDAL_CHECK(!ZSTD_isError(written),
                   fmt::format("ZSTD_compress2 failed: {}", ZSTD_getErrorName(written)));
      out.resize(start + written);
      return Status();
    }
  }
  return unknown_codec(codec);
}

// ---------------------------------------------------------------------------------------------
// Decompressor

namespace {

Status snappy_block(ByteView block, size_t max_output, Bytes& out) {
  size_t length = 0;
  const char* data = reinterpret_cast<const char*>(block.data());
  if (!snappy::GetUncompressedLength(data, block.size(), &length)) {
    return corrupt(Compression::kSnappy, "block does not start with a valid length");
  }
  const size_t start = out.size();
  if (length > max_output || start > max_output - length) {
    return too_large(Compression::kSnappy, max_output);
  }
  out.resize(start + length);
  if (!snappy::RawUncompress(data, block.size(), reinterpret_cast<char*>(out.data() + start))) {
    return corrupt(Compression::kSnappy,
                   fmt::format("invalid block of {} compressed bytes", block.size()));
  }
  return Status();
}

Status snappy_decompress(ByteView input, size_t max_output, Bytes& out) {
  out.clear();
  if (input.size() < sizeof(kXerialMagic) ||
      std::memcmp(input.data(), kXerialMagic, sizeof(kXerialMagic)) != 0) {
    return snappy_block(input, max_output, out);
  }
  // Xerial framing. The two version fields are not checked: there has only ever been one.
  if (input.size() < kXerialHeaderSize) {
    return corrupt(Compression::kSnappy,
                   fmt::format("xerial header needs 16 bytes, only {} given", input.size()));
  }
  size_t pos = kXerialHeaderSize;
  while (pos < input.size()) {
    if (input.size() - pos < 4) {
      return corrupt(Compression::kSnappy,
                     fmt::format("xerial block length at byte {} is cut short", pos));
    }
    const int32_t length = static_cast<int32_t>(load_be32(input.data() + pos));
    pos += 4;
    if (length < 0 || static_cast<size_t>(length) > input.size() - pos) {
      return corrupt(Compression::kSnappy,
                     fmt::format("xerial block at byte {} claims {} bytes, {} remain", pos - 4,
                                 length, input.size() - pos));
    }
    CAUDAL_RETURN_IF_ERROR(
        snappy_block(input.subspan(pos, static_cast<size_t>(length)), max_output, out));
    pos += static_cast<size_t>(length);
  }
  return Status();
}

}  // namespace

struct Decompressor::Contexts {
  ZSTD_DCtx* zstd = nullptr;
  LZ4F_dctx* lz4 = nullptr;
  z_stream inflate{};
  bool inflate_ready = false;

  ~Contexts() {
    ZSTD_freeDCtx(zstd);
    LZ4F_freeDecompressionContext(lz4);
    if (inflate_ready) inflateEnd(&inflate);
  }
};

Decompressor::Decompressor() : contexts_(std::make_unique<Contexts>()) {}
Decompressor::~Decompressor() = default;
Decompressor::Decompressor(Decompressor&&) noexcept = default;
Decompressor& Decompressor::operator=(Decompressor&&) noexcept = default;

Status Decompressor::decompress(Compression codec, ByteView input, size_t max_output, Bytes& out) {
  switch (codec) {
    case Compression::kNone:
      if (input.size() > max_output) return too_large(codec, max_output);
      out.assign(input.begin(), input.end());
      return Status();

    case Compression::kSnappy: return snappy_decompress(input, max_output, out);

    case Compression::kGzip: {
      z_stream& z = contexts_->inflate;
      if (!contexts_->inflate_ready) {
        // windowBits 15 + 32: accept the gzip wrapper (Kafka) and, leniently, zlib's.
        int rc = inflateInit2(&z, 15 + 32);
        CAUDAL_CHECK(rc == Z_OK, fmt::format("inflateInit2 failed: {}", rc));
        contexts_->inflate_ready = true;
      } else {
        inflateReset(&z);
      }
      // The gzip trailer's ISIZE (size mod 2^32) is a hint, capped at what deflate can reach.
      size_t hint = 0;
      if (input.size() >= 4) {
        const uint8_t* t = input.data() + input.size() - 4;
        const uint32_t isize =
            uint32_t{t[3]} << 24 | uint32_t{t[2]} << 16 | uint32_t{t[1]} << 8 | t[0];
        hint = size_t{isize} + 1;
        hint = std::min(hint, input.size() * kDeflateMaxRatio);
      }
      auto step = [&](ByteView in, std::span<uint8_t> room) -> Result<Step> {
        z.next_in = const_cast<Bytef*>(in.data());
        z.avail_in = clamp_uint(in.size());
        z.next_out = room.data();
        z.avail_out = clamp_uint(room.size());
        const uInt in_before = z.avail_in;
        const uInt out_before = z.avail_out;
        int rc = ::inflate(&z, Z_NO_FLUSH);
        Step s{in_before - z.avail_in, out_before - z.avail_out, rc == Z_STREAM_END};
        if (rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR) return s;
        CAUDAL_CHECK(rc != Z_MEM_ERROR, "inflate ran out of memory");
        return corrupt(codec, z.msg != nullptr ? z.msg : fmt::format("inflate error {}", rc));
      };
      return drain_stream(codec, input, max_output, hint, out, step, [&] { inflateReset(&z); });
    }

    case Compression::kLz4: {
      if (contexts_->lz4 == nullptr) {
        LZ4F_errorCode_t rc = LZ4F_createDecompressionContext(&contexts_->lz4, LZ4F_VERSION);
        CAUDAL_CHECK(!LZ4F_isError(rc), "LZ4F_createDecompressionContext failed");
      }
      LZ4F_dctx* dctx = contexts_->lz4;
      LZ4F_resetDecompressionContext(dctx);
      auto step = [&](ByteView in, std::span<uint8_t> room) -> Result<Step> {
        size_t in_size = in.size();
        size_t out_size = room.size();
        size_t hint = LZ4F_decompress(dctx, room.data(), &out_size, in.data(), &in_size, nullptr);
        if (LZ4F_isError(hint)) {
          LZ4F_resetDecompressionContext(dctx);
          return corrupt(codec, LZ4F_getErrorName(hint));
        }
        return Step{in_size, out_size, hint == 0};
      };
      // A finished frame leaves the context ready for the next one.
      return drain_stream(codec, input, max_output, input.size() * 4, out, step, [] {});
    }

    case Compression::kZstd: {
      if (contexts_->zstd == nullptr) {
        contexts_->zstd = ZSTD_createDCtx();
        CAUDAL_CHECK(contexts_->zstd != nullptr, "ZSTD_createDCtx failed");
      }
      ZSTD_DCtx* dctx = contexts_->zstd;
      ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
      // No window larger than the output cap is ever needed, and zstd allocates the window up
      // front: bounding it bounds the memory a hostile frame header can claim.
      const int window_log = std::clamp(static_cast<int>(std::bit_width(max_output)),
                                        kZstdMinWindowLog, kZstdMaxWindowLog);
      ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, window_log);
      size_t hint = 0;
      unsigned long long content_size = ZSTD_getFrameContentSize(input.data(), input.size());
      if (content_size != ZSTD_CONTENTSIZE_UNKNOWN && content_size != ZSTD_CONTENTSIZE_ERROR) {
        if (content_size > max_output) return too_large(codec, max_output);
        hint = static_cast<size_t>(content_size) + 1;
      }
      auto step = [&](ByteView in, std::span<uint8_t> room) -> Result<Step> {
        ZSTD_inBuffer src{in.data(), in.size(), 0};
        ZSTD_outBuffer dst{room.data(), room.size(), 0};
        size_t rc = ZSTD_decompressStream(dctx, &dst, &src);
        if (ZSTD_isError(rc)) {
          ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
          return corrupt(codec, ZSTD_getErrorName(rc));
        }
        return Step{src.pos, dst.pos, rc == 0};
      };
      // After a finished frame, ZSTD_decompressStream starts the next one by itself.
      return drain_stream(codec, input, max_output, hint, out, step, [] {});
    }
  }
  return unknown_codec(codec);
}

}  // namespace caudal::log
