// StrongType<T, Tag>: an integer (or other value) that cannot be mixed up with another of the
// same representation. Offsets, partition ids and generation ids cross module boundaries as
// strong types, never as bare integers.
#pragma once

#include <compare>
#include <functional>

#include <fmt/format.h>

namespace caudal {

template <typename T, typename Tag>
class StrongType {
 public:
  using value_type = T;
  constexpr StrongType() = default;
  constexpr explicit StrongType(T value) : value_(value) {}
  constexpr T value() const { return value_; }
  constexpr auto operator<=>(const StrongType&) const = default;

 private:
  T value_{};
};

}  // namespace caudal

template <typename T, typename Tag>
struct std::hash<caudal::StrongType<T, Tag>> {
  size_t operator()(const caudal::StrongType<T, Tag>& v) const { return std::hash<T>{}(v.value()); }
};

template <typename T, typename Tag>
struct fmt::formatter<caudal::StrongType<T, Tag>> : fmt::formatter<T> {
  auto format(const caudal::StrongType<T, Tag>& v, fmt::format_context& ctx) const {
    return fmt::formatter<T>::format(v.value(), ctx);
  }
};
