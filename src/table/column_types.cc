// settle_column_types (source.h): inference and conversion of column types, shared by every
// source reader.
#include <fmt/format.h>

#include "table/errc.h"
#include "table/source.h"

namespace caudal::table {
namespace {

// The cell converted to `type`, or nullopt when it has no such reading.
std::optional<Value> convert(const Value& cell, ColumnType type) {
  if (is_null(cell)) return Value{};
  switch (type) {
    case ColumnType::kString:
      if (const auto* s = std::get_if<std::string>(&cell)) return *s;
      if (const auto* i = std::get_if<int64_t>(&cell)) return fmt::format("{}", *i);
      if (const auto* d = std::get_if<double>(&cell)) return fmt::format("{}", *d);
      if (const auto* b = std::get_if<bool>(&cell)) return std::string(*b ? "true" : "false");
      return std::nullopt;
    case ColumnType::kInt:
      if (const auto* i = std::get_if<int64_t>(&cell)) return *i;
      if (const auto* s = std::get_if<std::string>(&cell)) {
        if (auto v = parse_int(*s)) return *v;
      }
      return std::nullopt;
    case ColumnType::kFloat:
      if (const auto* d = std::get_if<double>(&cell)) return *d;
      if (const auto* i = std::get_if<int64_t>(&cell)) return static_cast<double>(*i);
      if (const auto* s = std::get_if<std::string>(&cell)) {
        if (auto v = parse_float(*s)) return *v;
      }
      return std::nullopt;
    case ColumnType::kBool:
      if (const auto* b = std::get_if<bool>(&cell)) return *b;
      if (const auto* i = std::get_if<int64_t>(&cell)) {
        if (*i == 0 || *i == 1) return *i == 1;
      }
      if (const auto* s = std::get_if<std::string>(&cell)) {
        if (auto v = parse_bool(*s)) return *v;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

// The narrowest type every non-null cell of column `c` reads as: int, then float, then bool,
// else string. A column of nulls only is a string column.
ColumnType infer(const SourceRows& rows, size_t c) {
  bool all_int = true, all_float = true, all_bool = true, any = false;
  for (const auto& row : rows.rows) {
    const Value& cell = row[c];
    if (is_null(cell)) continue;
    any = true;
    if (all_int && !convert(cell, ColumnType::kInt)) all_int = false;
    if (all_float && !convert(cell, ColumnType::kFloat)) all_float = false;
    // SQLite integers 0 and 1 are not booleans unless declared so; PostgreSQL booleans are.
    const bool text_or_bool = std::holds_alternative<std::string>(cell) || std::holds_alternative<bool>(cell);
    if (all_bool && (!text_or_bool || !convert(cell, ColumnType::kBool))) {
      all_bool = false;
    }
    if (!all_int && !all_float && !all_bool) break;
  }
  if (!any) return ColumnType::kString;
  if (all_int) return ColumnType::kInt;
  if (all_float) return ColumnType::kFloat;
  if (all_bool) return ColumnType::kBool;
  return ColumnType::kString;
}

}  // namespace

Status settle_column_types(SourceRows& rows, const DeclaredTypes& declared) {
  for (const auto& [name, type] : declared) {
    bool found = false;
    for (const Column& column : rows.columns) found = found || column.name == name;
    if (!found) {
      return Status(Errc::kInvalidOptions,
                    fmt::format("column '{}' has a declared type but the source has no such "
                                "column",
                                name));
    }
  }
  for (size_t c = 0; c < rows.columns.size(); ++c) {
    Column& column = rows.columns[c];
    const auto it = declared.find(column.name);
    column.type = it != declared.end() ? it->second : infer(rows, c);
    for (size_t r = 0; r < rows.rows.size(); ++r) {
      Value& cell = rows.rows[r][c];
      std::optional<Value> converted = convert(cell, column.type);
      if (!converted) {
        std::string shown;
        append_json(shown, cell);
        return Status(Errc::kMalformedSource,
                      fmt::format("{}: column '{}' is declared {} but holds {}", rows.locations[r],
                                  column.name, column_type_name(column.type), shown));
      }
      cell = std::move(*converted);
    }
  }
  return Status();
}

Status add_result_column(SourceRows& rows, std::string name, std::string_view where) {
  for (const Column& earlier : rows.columns) {
    if (earlier.name == name) {
      return Status(Errc::kMalformedSource,
                    fmt::format("{}: names column '{}' twice (use AS to rename one)", where, name));
    }
  }
  rows.columns.push_back(Column{std::move(name), ColumnType::kString});
  return Status();
}

}  // namespace caudal::table
