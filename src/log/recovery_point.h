// A partition's recovery point: how far its log is known to be durable and valid, so that an
// open after a crash checks only the bytes after it (docs/log-format.md §Recovery). Stored in
// `<partition dir>/recovery-point`, replaced atomically, with a CRC of its own.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "log/types.h"

namespace caudal::log {

struct RecoveryPoint {
  static constexpr const char* kFileName = "recovery-point";
  static constexpr size_t kEncodedSize = 36;

  // The segment holding the point, and how many of its bytes are durable and were checked.
  // Every segment before it is durable and checked in full.
  Offset segment_base;
  uint64_t position = 0;
  // The offset of the batch that starts at `position` (the log end when the point is there).
  Offset next_offset;
  // Written by a clean close, after everything was synced; cleared again when the partition
  // is opened, so a crash after that open is recognized.
  bool clean_shutdown = false;

  Bytes encode() const;
  // log::Errc::kCorruptData if the bytes are not a recovery point written by encode().
  static Result<RecoveryPoint> decode(ByteView bytes);

  friend bool operator==(const RecoveryPoint&, const RecoveryPoint&) = default;
};

}  // namespace caudal::log
