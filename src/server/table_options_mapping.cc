#include "server/table_options_mapping.h"

#include "common/check.h"

namespace caudal::server {
namespace {

std::filesystem::path resolve(const config::Config& config, const std::filesystem::path& path) {
  if (path.is_absolute()) return path;
  return std::filesystem::absolute(config.source_file).parent_path() / path;
}

}  // namespace

table::CatalogOptions to_catalog_options(const config::Config& config) {
  table::CatalogOptions options;
  options.store_path = config.data_dir / "state" / "tables";
  for (const auto& [name, table] : config.tables) {
    if (table.materialized) {
      options.materialized_tables.push_back(name);
      continue;
    }
    table::LookupTableOptions lookup;
    lookup.name = name;
    if (table.csv) {
      lookup.source = table::CsvSource{resolve(config, *table.csv)};
    } else if (table.postgres) {
      lookup.source = table::PostgresSource{*table.postgres, table.table.value_or(""), table.query.value_or("")};
    } else {
      CAUDAL_CHECK(table.sqlite.has_value(), "the config schema lets no table lack a source");
      lookup.source = table::SqliteSource{resolve(config, *table.sqlite), table.table.value_or(""),
                                          table.query.value_or("")};
    }
    lookup.key_column = table.key.value_or("");
    for (const auto& [column, type_name] : table.columns) {
      const std::optional<table::ColumnType> type = table::parse_column_type(type_name);
      CAUDAL_CHECK(type.has_value(), "the config schema accepts only known column types");
      lookup.column_types.emplace(column, *type);
    }
    lookup.reload_interval = table.reload_interval;
    options.lookup_tables.push_back(std::move(lookup));
  }
  return options;
}

}  // namespace caudal::server
