// Test support: fills any described message with deterministic sample values for one version,
// and compares two messages field by field. Both walk the same field tables as the codec, so a
// round trip through them exercises every field of every version.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "common/bytes.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka::testing {

// The ByteView fields of a filled message point into the filler: keep it alive while using them.
class SampleFiller {
 public:
  // `seed` varies the values (and which nullable fields are null) between samples.
  SampleFiller(int16_t version, uint32_t seed)
      : version_(version), state_(seed * 2654435761u + 1) {}

  // Fills the fields present in the version; absent ones keep their defaults, as a decoder
  // leaves them.
  template <schema::Described T>
  void fill(T& message) {
    schema::visit_fields<T>([&](const auto& f) {
      if (f.versions.contains(version_)) {
        fill_value(message.*(f.member), f.nullable_versions.contains(version_));
      }
      return true;
    });
  }

 private:
  uint32_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }

  template <typename T>
  void fill_value(T& value, bool nullable) {
    if constexpr (std::is_same_v<T, bool>) {
      value = (next() & 1) != 0;
    } else if constexpr (std::is_enum_v<T>) {
      value = static_cast<T>(static_cast<std::underlying_type_t<T>>(next()));
    } else if constexpr (std::is_integral_v<T>) {
      // Both signs and the full width, so byte order and sign handling show up.
      value = static_cast<T>((uint64_t{next()} << 32) | next());
    } else if constexpr (std::is_same_v<T, std::string>) {
      value = "s" + std::to_string(next() % 100000);
    } else if constexpr (std::is_same_v<T, ByteView>) {
      Bytes& bytes = storage_.emplace_back(next() % 6);
      for (uint8_t& b : bytes) b = static_cast<uint8_t>(next());
      value = bytes;
    } else if constexpr (schema::IsOptional<T>::value) {
      if (nullable && next() % 3 == 0) {
        value.reset();
      } else {
        fill_value(value.emplace(), nullable);
      }
    } else if constexpr (schema::IsVector<T>::value) {
      value.resize(next() % 3 + 1);
      for (auto& element : value) fill_value(element, false);
    } else {
      fill(value);
    }
  }

  int16_t version_;
  uint32_t state_;
  std::deque<Bytes> storage_;  // what the sample's ByteViews point to
};

// Every field of `a` equals the same field of `b` (ByteViews by content), in every version.
template <typename T>
bool same_value(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, ByteView>) {
    return Bytes(a.begin(), a.end()) == Bytes(b.begin(), b.end());
  } else if constexpr (schema::IsOptional<T>::value) {
    return a.has_value() == b.has_value() && (!a.has_value() || same_value(*a, *b));
  } else if constexpr (schema::IsVector<T>::value) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!same_value(a[i], b[i])) return false;
    }
    return true;
  } else if constexpr (schema::Described<T>) {
    return schema::visit_fields<T>(
        [&](const auto& f) { return same_value(a.*(f.member), b.*(f.member)); });
  } else {
    return a == b;
  }
}

}  // namespace caudal::kafka::testing
