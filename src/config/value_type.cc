#include "config/value_type.h"

#include <charconv>

#include <fmt/format.h>

#include "config/config.h"
#include "config/errc.h"
#include "config/units.h"

namespace caudal::config {

ValueType<bool> boolean_type() {
  ValueType<bool> type;
  type.expected = "expected true or false";
  type.parse = [expected = type.expected](std::string_view text) -> Result<bool> {
    if (text == "true") return true;
    if (text == "false") return false;
    return Status(Errc::kInvalid, expected);
  };
  type.format = [](const bool& value) { return std::string(value ? "true" : "false"); };
  return type;
}

ValueType<int32_t> integer_type(int32_t min, int32_t max) {
  ValueType<int32_t> type;
  type.expected = fmt::format("expected an integer from {} to {}", min, max);
  type.parse = [min, max, expected = type.expected](std::string_view text) -> Result<int32_t> {
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      return Status(Errc::kInvalid, expected);
    }
    return static_cast<int32_t>(value);
  };
  type.format = [](const int32_t& value) { return std::to_string(value); };
  return type;
}

ValueType<Duration> duration_type(Duration min) {
  ValueType<Duration> type;
  type.expected = "expected a duration such as 500ms, 30s or 8d";
  type.parse = [min](std::string_view text) -> Result<Duration> {
    CAUDAL_ASSIGN_OR_RETURN(Duration value, parse_duration(text));
    if (value < min) {
      return Status(Errc::kInvalid,
                    fmt::format("expected a duration of at least {}", format_duration(min)));
    }
    return value;
  };
  type.format = [](const Duration& value) { return format_duration(value); };
  return type;
}

ValueType<uint64_t> size_type(uint64_t min, uint64_t max) {
  ValueType<uint64_t> type;
  type.expected = "expected a size such as 512, 64KiB, 10MiB or 10GB";
  type.parse = [min, max](std::string_view text) -> Result<uint64_t> {
    CAUDAL_ASSIGN_OR_RETURN(uint64_t value, parse_size(text));
    if (value < min || value > max) {
      return Status(Errc::kInvalid, fmt::format("expected a size from {} to {}", format_size(min),
                                                format_size(max)));
    }
    return value;
  };
  type.format = [](const uint64_t& value) { return format_size(value); };
  return type;
}

ValueType<uint32_t> size32_type(uint32_t min, uint32_t max) {
  const ValueType<uint64_t> wide = size_type(min, max);
  ValueType<uint32_t> type;
  type.expected = wide.expected;
  type.parse = [wide](std::string_view text) -> Result<uint32_t> {
    CAUDAL_ASSIGN_OR_RETURN(uint64_t value, wide.parse(text));
    return static_cast<uint32_t>(value);  // within [min, max], so it fits
  };
  type.format = [](const uint32_t& value) { return format_size(value); };
  return type;
}

ValueType<std::string> text_type(std::string what) {
  ValueType<std::string> type;
  type.expected = fmt::format("expected {}", what);
  type.parse = [expected = type.expected](std::string_view text) -> Result<std::string> {
    if (text.empty()) return Status(Errc::kInvalid, expected);
    return std::string(text);
  };
  type.format = [](const std::string& value) { return value; };
  return type;
}

ValueType<std::string> topic_name_type() {
  ValueType<std::string> type;
  type.expected =
      "expected a topic name of 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-' (not "
      "'.' or '..')";
  type.parse = [expected = type.expected](std::string_view text) -> Result<std::string> {
    if (!is_valid_topic_name(text)) return Status(Errc::kInvalid, expected);
    return std::string(text);
  };
  type.format = [](const std::string& value) { return value; };
  return type;
}

ValueType<std::filesystem::path> path_type() {
  ValueType<std::filesystem::path> type;
  type.expected = "expected a path";
  type.parse = [expected = type.expected](std::string_view text) -> Result<std::filesystem::path> {
    if (text.empty()) return Status(Errc::kInvalid, expected);
    return std::filesystem::path(text);
  };
  type.format = [](const std::filesystem::path& value) { return value.string(); };
  return type;
}

}  // namespace caudal::config
