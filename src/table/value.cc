#include "table/value.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace caudal::table {

std::string_view column_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::kString: return "string";
    case ColumnType::kInt: return "int";
    case ColumnType::kFloat: return "float";
    case ColumnType::kBool: return "bool";
  }
  return "string";
}

std::optional<ColumnType> parse_column_type(std::string_view name) {
  if (name == "string") return ColumnType::kString;
  if (name == "int") return ColumnType::kInt;
  if (name == "float") return ColumnType::kFloat;
  if (name == "bool") return ColumnType::kBool;
  return std::nullopt;
}

std::optional<int64_t> parse_int(std::string_view text) {
  const std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_float(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // from_chars also takes "inf", "nan" and hex floats; a table cell means none of them.
  for (char c : text) {
    const bool ok =
        (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;
  }
  // As for ints, a leading zero marks an id ("007", "01.5"), not a number.
  const std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (digits.size() > 1 && digits[0] == '0' && digits[1] >= '0' && digits[1] <= '9') {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  auto equals_folded = [text](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = (text[i] >= 'A' && text[i] <= 'Z') ? static_cast<char>(text[i] + 32) : text[i];
      if (c != word[i]) return false;
    }
    return true;
  };
  if (equals_folded("true")) return true;
  if (equals_folded("false")) return false;
  return std::nullopt;
}

void append_json(std::string& out, const Value& value) {
  struct Visitor {
    std::string& out;
    void operator()(std::monostate) const { out.append("null"); }
    void operator()(bool b) const { out.append(b ? "true" : "false"); }
    void operator()(int64_t i) const { fmt::format_to(std::back_inserter(out), "{}", i); }
    void operator()(double d) const {
      if (!std::isfinite(d)) {
        out.append("null");
        return;
      }
      // Shortest text that reads back to the same double; "2" stays a float as "2.0".
      const size_t start = out.size();
      fmt::format_to(std::back_inserter(out), "{}", d);
      if (out.find_first_of(".eE", start) == std::string::npos) out.append(".0");
    }
    void operator()(const std::string& s) const { append_json_string(out, s); }
  };
  std::visit(Visitor{out}, value);
}

}  // namespace caudal::table
