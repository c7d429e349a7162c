#include "table/source.h"

#include <fmt/format.h>

namespace caudal::table {

Result<SourceRows> load_source(const Source& source, const DeclaredTypes& declared) {
  if (const auto* csv = std::get_if<CsvSource>(&source)) return load_csv(*csv, declared);
  if (const auto* postgres = std::get_if<PostgresSource>(&source)) return load_postgres(*postgres, declared);
  return load_sqlite(std::get<SqliteSource>(source), declared);
}

std::string describe(const Source& source) {
  if (const auto* csv = std::get_if<CsvSource>(&source)) {
    return fmt::format("csv {}", csv->path.string());
  }
  if (const auto* postgres = std::get_if<PostgresSource>(&source)) return describe_postgres(*postgres);
  const auto& sqlite = std::get<SqliteSource>(source);
  if (sqlite.query.empty()) {
    return fmt::format("sqlite {} table {}", sqlite.path.string(), sqlite.table);
  }
  return fmt::format("sqlite {} query", sqlite.path.string());
}

std::vector<std::filesystem::path> watched_files(const Source& source) {
  if (const auto* csv = std::get_if<CsvSource>(&source)) return {csv->path};
  if (std::holds_alternative<PostgresSource>(source)) return {};
  const auto& sqlite = std::get<SqliteSource>(source);
  std::filesystem::path wal = sqlite.path;
  wal += "-wal";
  return {sqlite.path, wal};
}

}  // namespace caudal::table
