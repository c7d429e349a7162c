// ByteReader decodes values from untrusted bytes. Every read checks bounds; the first failure
// makes the reader sticky-failed (later reads return zero values), so a decoder can read a
// whole structure and check status() once. The reader borrows the bytes it reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace caudal {

class ByteReader {
 public:
  explicit ByteReader(ByteView input) : input_(input) {}

  uint8_t read_u8();
  int8_t read_i8() { return static_cast<int8_t>(read_u8()); }
  uint16_t read_be16();
  uint32_t read_be32();
  uint64_t read_be64();
  int16_t read_i16() { return static_cast<int16_t>(read_be16()); }
  int32_t read_i32() { return static_cast<int32_t>(read_be32()); }
  int64_t read_i64() { return static_cast<int64_t>(read_be64()); }

  // Unsigned LEB128; fails on more than 5 (32-bit) or 10 (64-bit) bytes.
  uint32_t read_uvarint32();
  uint64_t read_uvarint64();
  // Zigzag-encoded signed varints, as inside Kafka v2 records.
  int32_t read_varint() { return zigzag_decode32(read_uvarint32()); }
  int64_t read_varlong() { return zigzag_decode64(read_uvarint64()); }

  // The next n bytes, borrowed from the input; fails if fewer remain.
  ByteView read_bytes(size_t n);
  void skip(size_t n) { (void)read_bytes(n); }

  size_t position() const { return position_; }
  size_t remaining() const { return failed() ? 0 : input_.size() - position_; }
  bool at_end() const { return remaining() == 0; }
  ByteView rest() const { return failed() ? ByteView() : input_.subspan(position_); }

  bool failed() const { return !status_.ok(); }
  const Status& status() const { return status_; }
  // Marks the reader failed with a caller's reason (e.g. a length that makes no sense).
  void fail(Status status);

 private:
  bool ensure(size_t n, const char* what);
  uint64_t read_uvarint(size_t max_bytes, const char* what);

  ByteView input_;
  size_t position_ = 0;
  Status status_;
};

}  // namespace caudal
