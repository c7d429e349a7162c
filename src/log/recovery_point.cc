#include "log/recovery_point.h"

#include <cstring>

#include <fmt/format.h>

#include "common/crc32c.h"
#include "log/errc.h"

namespace caudal::log {
namespace {

// "CDRP", then version 1. Layout: docs/log-format.md §Recovery point file.
constexpr uint8_t kMagic[4] = {'C', 'D', 'R', 'P'};
constexpr uint8_t kVersion = 1;
constexpr uint8_t kCleanShutdownFlag = 0x01;
constexpr size_t kCrcAt = RecoveryPoint::kEncodedSize - 4;

}  // namespace

Bytes RecoveryPoint::encode() const {
  Bytes out(kEncodedSize, 0);
  std::memcpy(out.data(), kMagic, 4);
  out[4] = kVersion;
  out[5] = clean_shutdown ? kCleanShutdownFlag : 0;
  store_be64(out.data() + 8, static_cast<uint64_t>(segment_base.value()));
  store_be64(out.data() + 16, position);
  store_be64(out.data() + 24, static_cast<uint64_t>(next_offset.value()));
  store_be32(out.data() + kCrcAt, crc32c::value(ByteView(out.data(), kCrcAt)));
  return out;
}

Result<RecoveryPoint> RecoveryPoint::decode(ByteView bytes) {
  if (bytes.size() != kEncodedSize) {
    return Status(Errc::kCorruptData, fmt::format("recovery point is {} bytes, expected {}",
                                                  bytes.size(), kEncodedSize));
  }
  if (std::memcmp(bytes.data(), kMagic, 4) != 0 || bytes[4] != kVersion) {
    return Status(Errc::kCorruptData, "recovery point has an unknown magic or version");
  }
  uint32_t stored = load_be32(bytes.data() + kCrcAt);
  uint32_t actual = crc32c::value(bytes.first(kCrcAt));
  if (stored != actual) {
    return Status(Errc::kCorruptData,
                  fmt::format("recovery point CRC mismatch: stored {:#010x}, computed {:#010x}",
                              stored, actual));
  }
  RecoveryPoint p;
  p.clean_shutdown = (bytes[5] & kCleanShutdownFlag) != 0;
  p.segment_base = Offset(static_cast<int64_t>(load_be64(bytes.data() + 8)));
  p.position = load_be64(bytes.data() + 16);
  p.next_offset = Offset(static_cast<int64_t>(load_be64(bytes.data() + 24)));
  if (p.segment_base.value() < 0 || p.next_offset < p.segment_base) {
    return Status(Errc::kCorruptData, "recovery point offsets are inconsistent");
  }
  return p;
}

}  // namespace caudal::log
