// The typed cells of lookup tables: a column has one type, a cell holds a value of that type
// or null (an empty CSV field, an SQL NULL).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/json_string.h"

namespace caudal::table {

enum class ColumnType : uint8_t { kString, kInt, kFloat, kBool };

// "string", "int", "float", "bool": the names used in caudal.yaml and the HTTP API.
std::string_view column_type_name(ColumnType type);
std::optional<ColumnType> parse_column_type(std::string_view name);

// One cell. std::monostate is null; otherwise the alternative matches the column's type.
using Value = std::variant<std::monostate, bool, int64_t, double, std::string>;

inline bool is_null(const Value& value) {
  return std::holds_alternative<std::monostate>(value);
}

// The strict text forms a typed column accepts (and type inference looks for):
//   int:   -?[0-9]+ within int64, without leading zeros ("007" stays a string: it is an id,
//          not a number, and reading it as 7 would lose it)
//   float: an int, or a decimal with '.' and/or an exponent ("1.5", "-2e3"); finite only; no
//          leading zero before another digit
//   bool:  true or false, in any letter case
std::optional<int64_t> parse_int(std::string_view text);
std::optional<double> parse_float(std::string_view text);
std::optional<bool> parse_bool(std::string_view text);

// `value` as JSON text appended to `out`: null, true/false, a number (a non-finite float is
// null), or a string literal with JSON escapes.
void append_json(std::string& out, const Value& value);

}  // namespace caudal::table
