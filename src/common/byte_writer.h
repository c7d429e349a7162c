// ByteWriter appends encoded values to a growing buffer. Single-threaded; the buffer it
// returns from take() is the caller's.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/bytes.h"

namespace caudal {

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(size_t reserve) { buffer_.reserve(reserve); }

  void write_u8(uint8_t v) { buffer_.push_back(v); }
  void write_i8(int8_t v) { write_u8(static_cast<uint8_t>(v)); }
  void write_be16(uint16_t v) { store_be16(grow(2), v); }
  void write_be32(uint32_t v) { store_be32(grow(4), v); }
  void write_be64(uint64_t v) { store_be64(grow(8), v); }
  void write_i16(int16_t v) { write_be16(static_cast<uint16_t>(v)); }
  void write_i32(int32_t v) { write_be32(static_cast<uint32_t>(v)); }
  void write_i64(int64_t v) { write_be64(static_cast<uint64_t>(v)); }

  void write_uvarint(uint64_t v) {
    uint8_t tmp[kMaxVarint64Bytes];
    write_bytes(ByteView(tmp, encode_varint(tmp, v)));
  }
  void write_varint(int32_t v) { write_uvarint(zigzag_encode32(v)); }
  void write_varlong(int64_t v) { write_uvarint(zigzag_encode64(v)); }

  void write_bytes(ByteView bytes) { buffer_.insert(buffer_.end(), bytes.begin(), bytes.end()); }
  void write_string(std::string_view s) { write_bytes(as_bytes(s)); }

  // Reserves n bytes at the end and returns where they start, for values patched later
  // (lengths, CRCs). The pointer is valid until the next write.
  uint8_t* grow(size_t n) {
    size_t old = buffer_.size();
    buffer_.resize(old + n);
    return buffer_.data() + old;
  }

  size_t size() const { return buffer_.size(); }
  uint8_t* data() { return buffer_.data(); }
  ByteView view() const { return buffer_; }
  void clear() { buffer_.clear(); }
  Bytes take() { return std::move(buffer_); }

 private:
  Bytes buffer_;
};

}  // namespace caudal
