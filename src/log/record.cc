#include "log/record.h"

namespace caudal::log {
namespace {

// Decodes a zigzag varint from bytes RecordBatchReader has already validated, so neither the
// bounds nor the length of the encoding need checking again.
int32_t read_validated_varint(const uint8_t*& p) {
  uint32_t raw = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t byte = *p++;
    raw |= uint32_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) break;
  }
  return zigzag_decode32(raw);
}

}  // namespace

void RecordHeaders::Iterator::decode() {
  if (remaining_ == 0) return;
  int32_t key_length = read_validated_varint(next_);
  current_.key =
      std::string_view(reinterpret_cast<const char*>(next_), static_cast<size_t>(key_length));
  next_ += key_length;
  int32_t value_length = read_validated_varint(next_);
  if (value_length < 0) {
    current_.value.reset();
  } else {
    current_.value = ByteView(next_, static_cast<size_t>(value_length));
    next_ += value_length;
  }
}

}  // namespace caudal::log
