// The vocabulary in which Caudal describes Kafka messages: each message is a plain struct whose
// static `fields()` lists its fields in wire order, each with the versions it is present in and
// the versions it may be null in. The generic codec (message_codec.h) derives encode and decode
// from that list, so each message is described exactly once.
//
// How a field is encoded follows from its C++ type:
//   bool, int8_t, int16_t, int32_t, int64_t   fixed width, big-endian (bool is one byte 0/1)
//   an enum (ErrorCode)                      its underlying integer
//   std::string                              string: int16 length, compact in flexible versions
//   ByteView                                 bytes: int32 length, compact in flexible versions;
//                                            decoded as a view into the input, never copied
//   std::vector<T>                           array: int32 count, compact in flexible versions
//   a struct with fields()                   its fields, then (flexible versions) a tagged-field
//                                            section
//   std::optional<string|ByteView|vector>    the same, with null (length -1, or compact 0)
//                                            allowed in the field's nullable versions
// A field's default is its member initializer: decoding a version the field is absent from
// leaves it there, and encoding such a version omits the field whatever its value.
//
// Example:
//   struct HeartbeatRequest {
//     std::string group_id;
//     std::optional<std::string> group_instance_id;
//     static constexpr auto fields() {
//       using M = HeartbeatRequest;
//       return std::tuple{field("group_id", &M::group_id),
//                         field("group_instance_id", &M::group_instance_id).since(3).nullable()};
//     }
//   };
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "common/bytes.h"

namespace caudal::kafka::schema {

inline constexpr int16_t kLatestVersion = std::numeric_limits<int16_t>::max();

// An inclusive range of versions; min > max is the empty range.
struct VersionRange {
  int16_t min = 0;
  int16_t max = kLatestVersion;

  constexpr bool contains(int16_t version) const { return version >= min && version <= max; }
  constexpr bool empty() const { return min > max; }
  constexpr bool overlaps(VersionRange other) const {
    return !empty() && !other.empty() && min <= other.max && other.min <= max;
  }
};

inline constexpr VersionRange kNoVersions{1, 0};

template <typename Owner, typename Member>
struct Field {
  using member_type = Member;

  std::string_view name;
  Member Owner::*member;
  VersionRange versions = {};                    // where the field is on the wire
  VersionRange nullable_versions = kNoVersions;  // where it may be null
  // False only for the request header's client id, which stays an int16-length string in
  // header v2 so that any broker can read the header of any request.
  bool compact_when_flexible = true;

  constexpr Field since(int16_t version) const {
    Field f = *this;
    f.versions.min = version;
    return f;
  }
  constexpr Field until(int16_t version) const {
    Field f = *this;
    f.versions.max = version;
    return f;
  }
  constexpr Field nullable() const { return nullable_since(0); }
  constexpr Field nullable_since(int16_t version) const {
    Field f = *this;
    f.nullable_versions = VersionRange{version, kLatestVersion};
    return f;
  }
  constexpr Field never_compact() const {
    Field f = *this;
    f.compact_when_flexible = false;
    return f;
  }
};

// A field present in every version, never null; narrow it with since()/until()/nullable().
template <typename Owner, typename Member>
constexpr Field<Owner, Member> field(std::string_view name, Member Owner::*member) {
  return Field<Owner, Member>{name, member};
}

template <typename T>
concept Described = requires {
  T::fields();
};

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};

template <typename T>
concept FixedWidth = std::same_as<T, bool> || std::same_as<T, int8_t> || std::same_as<T, int16_t> ||
    std::same_as<T, int32_t> || std::same_as<T, int64_t> ||
    (std::is_enum_v<T> && !std::same_as<T, bool>);

// Types whose encoding starts with a length or count, the only ones that can be null.
template <typename T>
concept LengthPrefixed =
    std::same_as<T, std::string> || std::same_as<T, ByteView> || IsVector<T>::value;

// Calls visit(field) for each field of T in wire order while it returns true; returns false if
// a call did.
template <Described T, typename Visitor>
constexpr bool visit_fields(Visitor&& visit) {
  return std::apply([&](const auto&... fields) { return (visit(fields) && ...); }, T::fields());
}

// Compile-time checks of a description, run by the codec for every message it is instantiated
// for. A failed check stops compilation in the function below whose name says what is wrong.
namespace checks {
void field_name_is_empty();
void field_is_present_in_no_version();
void optional_member_is_never_nullable();
void nullable_field_must_be_std_optional();
void member_type_has_no_wire_encoding();
}  // namespace checks

template <typename T>
consteval bool valid_value_type();

template <Described T>
consteval bool valid_description() {
  visit_fields<T>([](const auto& f) {
    using Member = typename std::remove_cvref_t<decltype(f)>::member_type;
    if (f.name.empty()) checks::field_name_is_empty();
    if (f.versions.empty()) checks::field_is_present_in_no_version();
    if constexpr (IsOptional<Member>::value) {
      if (!f.versions.overlaps(f.nullable_versions)) checks::optional_member_is_never_nullable();
    } else {
      if (f.versions.overlaps(f.nullable_versions)) checks::nullable_field_must_be_std_optional();
    }
    return valid_value_type<Member>();
  });
  return true;
}

template <typename T>
consteval bool valid_value_type() {
  if constexpr (FixedWidth<T> || std::same_as<T, std::string> || std::same_as<T, ByteView>) {
    return true;
  } else if constexpr (IsOptional<T>::value) {
    if constexpr (!LengthPrefixed<typename T::value_type>)
      checks::member_type_has_no_wire_encoding();
    return valid_value_type<typename T::value_type>();
  } else if constexpr (IsVector<T>::value) {
    return valid_value_type<typename T::value_type>();
  } else if constexpr (Described<T>) {
    return valid_description<T>();
  } else {
    checks::member_type_has_no_wire_encoding();
    return false;
  }
}

}  // namespace caudal::kafka::schema
