// How one scalar setting is read from text and written back: the building blocks that
// schema.h binds to struct members. Each type knows what it expects ("expected a duration
// such as 500ms, 30s or 8d"); parse failures say what was expected, never what was found (the
// caller adds that, redacted when it is a secret).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace caudal::config {

template <typename V>
struct ValueType {
  // Shown when the value is not text at all (a map, a list, nothing): "expected ..., found a map".
  std::string expected;
  std::function<Result<V>(std::string_view text)> parse;
  std::function<std::string(const V& value)> format;
};

// `true` or `false` (YAML 1.2; not yes/no/on/off).
ValueType<bool> boolean_type();
// A decimal integer within [min, max].
ValueType<int32_t> integer_type(int32_t min, int32_t max);
// A duration (units.h) of at least `min`.
ValueType<Duration> duration_type(Duration min);
// A size (units.h) within [min, max].
ValueType<uint64_t> size_type(uint64_t min, uint64_t max);
// A size that must fit 32 bits, within [min, max].
ValueType<uint32_t> size32_type(uint32_t min, uint32_t max);
// Any non-empty text (`what` names it in messages: "expected a token").
ValueType<std::string> text_type(std::string what);
// A topic name (is_valid_topic_name in config.h).
ValueType<std::string> topic_name_type();
// Any non-empty text, as a path. Relative paths are resolved by whoever knows the base.
ValueType<std::filesystem::path> path_type();

// `inner`, or `keyword` for "not set" (e.g. `retention: forever`), so a value inherited from a
// default can be switched off again.
template <typename V>
ValueType<std::optional<V>> or_keyword(ValueType<V> inner, std::string keyword) {
  ValueType<std::optional<V>> out;
  out.expected = inner.expected + ", or " + keyword;
  out.parse = [inner, keyword](std::string_view text) -> Result<std::optional<V>> {
    if (text == keyword) return std::optional<V>();
    Result<V> value = inner.parse(text);
    if (!value.ok()) return value.status();
    return std::optional<V>(std::move(value).value());
  };
  out.format = [inner, keyword](const std::optional<V>& value) {
    return value.has_value() ? inner.format(*value) : keyword;
  };
  return out;
}

}  // namespace caudal::config
