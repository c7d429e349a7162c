// Encode and decode of any described Kafka message body (schema.h), for any version Caudal
// serves. The wire format is Kafka's (docs/kafka-protocol.md); this file derives it from the
// field tables, so no message has code of its own.
//
// Decoding treats its input as untrusted: every length and count is checked against the bytes
// that remain before anything is allocated for it, null is accepted only where the version
// allows it, and the whole body must be consumed. A failure names the API, version, direction
// and field path ("Produce v7 request: topics[0].partitions[1].records: ...").
//
// Threading: pure functions of their arguments; safe from any thread.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "common/bytes.h"
#include "common/result.h"
#include "common/status.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

// A whole request or response body: described, and tied to one API and direction.
template <typename T>
concept Message = schema::Described<T> && requires {
  { T::kApiKey } -> std::convertible_to<ApiKey>;
  { T::kIsRequest } -> std::convertible_to<bool>;
};

// Decodes `body` (everything after the request or response header) as version `version` of M.
// ByteView fields of the result point into `body`: the caller keeps those bytes alive as long
// as it uses them. Fails with kafka::Errc::kUnsupportedVersion for a version outside the
// range kApiTable gives for M's API, and kMalformedMessage for bytes that do not follow the
// layout (truncated, bad length, null where not allowed, bytes left over).
template <Message M>
Result<M> decode_message(ByteView body, int16_t version);

// Appends version `version` of `message` to `out`. Fields absent from that version are not
// written, whatever their value. Fails with kafka::Errc::kUnsupportedVersion, or kEncodeFailed
// for a value the version cannot carry (a null where the field is not nullable, a string over
// 32767 bytes); after a failure `out` holds a partial encoding and must be discarded.
template <Message M>
Status encode_message(const M& message, int16_t version, ByteWriter& out);

namespace codec_detail {

// Width of the length prefix of the non-compact encodings: strings use int16, bytes and arrays
// int32. Compact encodings always use an unsigned varint holding length + 1 (0 = null).
enum class LengthWidth { kInt16, kInt32 };

// Kafka refuses strings longer than an int16 can count, compact or not.
inline constexpr int64_t kMaxStringLength = std::numeric_limits<int16_t>::max();
inline constexpr int64_t kMaxBytesLength = std::numeric_limits<int32_t>::max();

template <typename T>
constexpr LengthWidth length_width() {
  return std::same_as<T, std::string> ? LengthWidth::kInt16 : LengthWidth::kInt32;
}

// Where a failure happened, built while it unwinds: the innermost segment is added first.
class FieldPath {
 public:
  void prepend_field(std::string_view name);
  void prepend_index(size_t index);
  const std::string& str() const { return path_; }

 private:
  std::string path_;
};

// Decoding state for one body. Functions return false once it failed; reason() says why.
class Decoder {
 public:
  Decoder(ByteView input, int16_t version, bool flexible)
      : reader_(input), version_(version), flexible_(flexible) {}

  ByteReader& reader() { return reader_; }
  int16_t version() const { return version_; }
  bool flexible() const { return flexible_; }

  // Reads a length or count prefix into `length`: -1 for null, otherwise at least 0. Fails on
  // truncation, on a negative value other than -1, and on a string length over 32767.
  bool read_length(LengthWidth width, bool compact, int64_t& length);
  // Reads a tagged-field section and skips every field in it: no field Caudal describes is
  // tagged, so each tag is one it does not know.
  bool skip_tagged_fields();
  // Fails unless every input byte was consumed.
  bool expect_end();
  // Turns a reader failure into this decoder's failure; returns whether the reader is fine.
  bool reader_ok();
  bool fail(std::string reason);

  FieldPath& path() { return path_; }
  // "<what>: <path>: <reason>" as a kMalformedMessage status.
  Status to_status(std::string_view what) const;

 private:
  ByteReader reader_;
  int16_t version_;
  bool flexible_;
  FieldPath path_;
  std::string reason_;
};

// Encoding state for one body, writing to a caller's buffer.
class Encoder {
 public:
  Encoder(ByteWriter& out, int16_t version, bool flexible)
      : out_(out), version_(version), flexible_(flexible) {}

  ByteWriter& out() { return out_; }
  int16_t version() const { return version_; }
  bool flexible() const { return flexible_; }

  // Writes a length or count prefix; -1 writes null. The caller checked the range.
  void write_length(LengthWidth width, bool compact, int64_t length);
  // An empty tagged-field section: Caudal sends no tagged fields.
  void write_empty_tagged_fields() { out_.write_u8(0); }
  bool fail(std::string reason);

  FieldPath& path() { return path_; }
  // "<what>: <path>: <reason>" as a kEncodeFailed status.
  Status to_status(std::string_view what) const;

 private:
  ByteWriter& out_;
  int16_t version_;
  bool flexible_;
  FieldPath path_;
  std::string reason_;
};

// "Produce v7 request"
std::string describe_message(const ApiInfo& api, bool is_request, int16_t version);
Status unsupported_version(const ApiInfo& api, bool is_request, int16_t version);
std::string null_not_allowed(int16_t version);

// The fewest bytes a value of type T can take on the wire, so a count can be checked against
// the remaining input before anything is reserved for it.
template <typename T>
size_t min_wire_size(int16_t version, bool flexible, bool compact) {
  if constexpr (std::same_as<T, bool>) {
    return 1;
  } else if constexpr (std::is_enum_v<T>) {
    return sizeof(std::underlying_type_t<T>);
  } else if constexpr (std::is_integral_v<T>) {
    return sizeof(T);
  } else if constexpr (schema::IsOptional<T>::value) {
    return min_wire_size<typename T::value_type>(version, flexible, compact);
  } else if constexpr (schema::LengthPrefixed<T>) {
    if (compact) return 1;
    return length_width<T>() == LengthWidth::kInt16 ? 2 : 4;
  } else {
    size_t total = flexible ? 1 : 0;  // the tagged-field section's count
    schema::visit_fields<T>([&](const auto& f) {
      using Member = typename std::remove_cvref_t<decltype(f)>::member_type;
      if (f.versions.contains(version)) {
        total += min_wire_size<Member>(version, flexible, flexible && f.compact_when_flexible);
      }
      return true;
    });
    return total;
  }
}

// The exact number of bytes encode_value() writes for `value`, for a message it can encode; used
// to size a frame's buffer once instead of growing it.
template <typename T>
size_t encoded_size(const T& value, int16_t version, bool flexible, bool compact) {
  if constexpr (schema::FixedWidth<T>) {
    return min_wire_size<T>(version, flexible, compact);
  } else if constexpr (schema::IsOptional<T>::value) {
    if (value.has_value()) return encoded_size(*value, version, flexible, compact);
    return min_wire_size<T>(version, flexible, compact);
  } else if constexpr (schema::LengthPrefixed<T>) {
    size_t total = compact ? varint_size(uint64_t{value.size()} + 1)
                           : min_wire_size<T>(version, flexible, compact);
    if constexpr (schema::IsVector<T>::value) {
      for (const auto& element : value) total += encoded_size(element, version, flexible, compact);
    } else {
      total += value.size();
    }
    return total;
  } else {
    size_t total = flexible ? 1 : 0;  // the empty tagged-field section
    schema::visit_fields<T>([&](const auto& f) {
      if (f.versions.contains(version)) {
        total +=
            encoded_size(value.*(f.member), version, flexible, flexible && f.compact_when_flexible);
      }
      return true;
    });
    return total;
  }
}

// ---- decode ----

template <typename T>
bool decode_value(Decoder& d, T& out, bool nullable, bool compact);

template <schema::Described T>
bool decode_struct(Decoder& d, T& out) {
  bool ok = schema::visit_fields<T>([&](const auto& f) {
    if (!f.versions.contains(d.version())) return true;
    bool compact = d.flexible() && f.compact_when_flexible;
    if (decode_value(d, out.*(f.member), f.nullable_versions.contains(d.version()), compact)) {
      return true;
    }
    d.path().prepend_field(f.name);
    return false;
  });
  return ok && (!d.flexible() || d.skip_tagged_fields());
}

template <schema::FixedWidth T>
bool decode_fixed(Decoder& d, T& out) {
  ByteReader& r = d.reader();
  if constexpr (std::same_as<T, bool>) {
    out = r.read_u8() != 0;
  } else if constexpr (std::is_enum_v<T>) {
    std::underlying_type_t<T> raw{};
    decode_fixed(d, raw);
    out = static_cast<T>(raw);
  } else if constexpr (sizeof(T) == 1) {
    out = r.read_i8();
  } else if constexpr (sizeof(T) == 2) {
    out = r.read_i16();
  } else if constexpr (sizeof(T) == 4) {
    out = r.read_i32();
  } else {
    out = r.read_i64();
  }
  return d.reader_ok();
}

// The part after the length prefix of a string, bytes or array of `length` (>= 0) units.
template <schema::LengthPrefixed T>
bool decode_body(Decoder& d, T& out, int64_t length, bool compact) {
  ByteReader& r = d.reader();
  if constexpr (std::same_as<T, std::string>) {
    ByteView bytes = r.read_bytes(static_cast<size_t>(length));
    if (!d.reader_ok()) return false;
    out.assign(as_chars(bytes));
    return true;
  } else if constexpr (std::same_as<T, ByteView>) {
    out = r.read_bytes(static_cast<size_t>(length));
    return d.reader_ok();
  } else {
    using Element = typename T::value_type;
    size_t min_size =
        std::max<size_t>(1, min_wire_size<Element>(d.version(), d.flexible(), compact));
    size_t remaining = r.remaining();
    if (static_cast<uint64_t>(length) > remaining / min_size) {
      return d.fail(fmt::format("array of {} elements needs at least {} bytes, only {} remain",
                                length, static_cast<uint64_t>(length) * min_size, remaining));
    }
    out.clear();
    out.reserve(static_cast<size_t>(length));
    for (int64_t i = 0; i < length; ++i) {
      if (!decode_value(d, out.emplace_back(), false, compact)) {
        d.path().prepend_index(static_cast<size_t>(i));
        return false;
      }
    }
    return true;
  }
}

template <typename T>
bool decode_value(Decoder& d, T& out, bool nullable, bool compact) {
  if constexpr (schema::FixedWidth<T>) {
    return decode_fixed(d, out);
  } else if constexpr (schema::IsOptional<T>::value) {
    using Inner = typename T::value_type;
    int64_t length = 0;
    if (!d.read_length(length_width<Inner>(), compact, length)) return false;
    if (length < 0) {
      if (!nullable) return d.fail(null_not_allowed(d.version()));
      out.reset();
      return true;
    }
    return decode_body(d, out.emplace(), length, compact);
  } else if constexpr (schema::LengthPrefixed<T>) {
    int64_t length = 0;
    if (!d.read_length(length_width<T>(), compact, length)) return false;
    if (length < 0) return d.fail(null_not_allowed(d.version()));
    return decode_body(d, out, length, compact);
  } else {
    return decode_struct(d, out);
  }
}

// ---- encode ----

template <typename T>
bool encode_value(Encoder& e, const T& value, bool nullable, bool compact);

template <schema::Described T>
bool encode_struct(Encoder& e, const T& value) {
  bool ok = schema::visit_fields<T>([&](const auto& f) {
    if (!f.versions.contains(e.version())) return true;
    bool compact = e.flexible() && f.compact_when_flexible;
    if (encode_value(e, value.*(f.member), f.nullable_versions.contains(e.version()), compact)) {
      return true;
    }
    e.path().prepend_field(f.name);
    return false;
  });
  if (ok && e.flexible()) e.write_empty_tagged_fields();
  return ok;
}

template <schema::FixedWidth T>
void encode_fixed(Encoder& e, T value) {
  ByteWriter& w = e.out();
  if constexpr (std::same_as<T, bool>) {
    w.write_u8(value ? 1 : 0);
  } else if constexpr (std::is_enum_v<T>) {
    encode_fixed(e, static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (sizeof(T) == 1) {
    w.write_i8(value);
  } else if constexpr (sizeof(T) == 2) {
    w.write_i16(value);
  } else if constexpr (sizeof(T) == 4) {
    w.write_i32(value);
  } else {
    w.write_i64(value);
  }
}

template <typename T>
bool encode_value(Encoder& e, const T& value, bool nullable, bool compact) {
  if constexpr (schema::FixedWidth<T>) {
    encode_fixed(e, value);
    return true;
  } else if constexpr (schema::IsOptional<T>::value) {
    if (value.has_value()) return encode_value(e, *value, nullable, compact);
    if (!nullable) return e.fail(null_not_allowed(e.version()));
    e.write_length(length_width<typename T::value_type>(), compact, -1);
    return true;
  } else if constexpr (schema::LengthPrefixed<T>) {
    int64_t length = static_cast<int64_t>(value.size());
    int64_t limit = std::same_as<T, std::string> ? kMaxStringLength : kMaxBytesLength;
    if (length > limit) {
      return e.fail(
          fmt::format("{} units are more than the {} its length can count", length, limit));
    }
    e.write_length(length_width<T>(), compact, length);
    if constexpr (std::same_as<T, std::string>) {
      e.out().write_string(value);
    } else if constexpr (std::same_as<T, ByteView>) {
      e.out().write_bytes(value);
    } else {
      for (size_t i = 0; i < value.size(); ++i) {
        if (!encode_value(e, value[i], false, compact)) {
          e.path().prepend_index(i);
          return false;
        }
      }
    }
    return true;
  } else {
    return encode_struct(e, value);
  }
}

}  // namespace codec_detail

template <Message M>
Result<M> decode_message(ByteView body, int16_t version) {
  static_assert(schema::valid_description<M>());
  const ApiInfo& api = api_info(M::kApiKey);
  if (!api.supports(version)) {
    return codec_detail::unsupported_version(api, M::kIsRequest, version);
  }
  codec_detail::Decoder decoder(body, version, api.is_flexible(version));
  M message;
  if (!codec_detail::decode_struct(decoder, message) || !decoder.expect_end()) {
    return decoder.to_status(codec_detail::describe_message(api, M::kIsRequest, version));
  }
  return message;
}

template <Message M>
Status encode_message(const M& message, int16_t version, ByteWriter& out) {
  static_assert(schema::valid_description<M>());
  const ApiInfo& api = api_info(M::kApiKey);
  if (!api.supports(version)) {
    return codec_detail::unsupported_version(api, M::kIsRequest, version);
  }
  codec_detail::Encoder encoder(out, version, api.is_flexible(version));
  if (!codec_detail::encode_struct(encoder, message)) {
    return encoder.to_status(codec_detail::describe_message(api, M::kIsRequest, version));
  }
  return Status();
}

}  // namespace caudal::kafka
