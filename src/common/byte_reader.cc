#include "common/byte_reader.h"

#include <fmt/format.h>

#include "common/errc.h"

namespace caudal {

bool ByteReader::ensure(size_t n, const char* what) {
  if (failed()) {
    return false;
  }
  if (input_.size() - position_ < n) {
    status_ = Status(Errc::kTruncated,
                     fmt::format("{} needs {} bytes at position {}, only {} remain", what, n,
                                 position_, input_.size() - position_));
    return false;
  }
  return true;
}

void ByteReader::fail(Status status) {
  if (!failed()) {
    status_ = std::move(status);
  }
}

uint8_t ByteReader::read_u8() {
  if (!ensure(1, "int8")) return 0;
  return input_[position_++];
}

uint16_t ByteReader::read_be16() {
  if (!ensure(2, "int16")) return 0;
  uint16_t v = load_be16(input_.data() + position_);
  position_ += 2;
  return v;
}

uint32_t ByteReader::read_be32() {
  if (!ensure(4, "int32")) return 0;
  uint32_t v = load_be32(input_.data() + position_);
  position_ += 4;
  return v;
}

uint64_t ByteReader::read_be64() {
  if (!ensure(8, "int64")) return 0;
  uint64_t v = load_be64(input_.data() + position_);
  position_ += 8;
  return v;
}

uint64_t ByteReader::read_uvarint(size_t max_bytes, const char* what) {
  uint64_t result = 0;
  for (size_t i = 0; i < max_bytes; ++i) {
    if (!ensure(1, what)) return 0;
    uint8_t byte = input_[position_++];
    result |= uint64_t{byte & 0x7fu} << (7 * i);
    if ((byte & 0x80) == 0) {
      return result;
    }
  }
  fail(Status(Errc::kMalformed, fmt::format("{} longer than {} bytes ending at position {}", what,
                                            max_bytes, position_)));
  return 0;
}

uint32_t ByteReader::read_uvarint32() {
  uint64_t v = read_uvarint(kMaxVarint32Bytes, "varint");
  if (v > UINT32_MAX) {
    fail(Status(Errc::kOutOfRange,
                fmt::format("varint ending at position {} exceeds 32 bits", position_)));
    return 0;
  }
  return static_cast<uint32_t>(v);
}

uint64_t ByteReader::read_uvarint64() { return read_uvarint(kMaxVarint64Bytes, "varlong"); }

ByteView ByteReader::read_bytes(size_t n) {
  if (!ensure(n, "byte string")) return {};
  ByteView out = input_.subspan(position_, n);
  position_ += n;
  return out;
}

}  // namespace caudal
