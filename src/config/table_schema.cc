#include "config/errc.h"
#include "config/schemas.h"

namespace caudal::config {
namespace {

constexpr Duration kMinReloadInterval = std::chrono::milliseconds(100);

ValueType<std::string> column_type_type() {
  ValueType<std::string> type;
  type.expected = "expected a column type: int, float, bool or string";
  type.parse = [expected = type.expected](std::string_view text) -> Result<std::string> {
    if (text != "int" && text != "float" && text != "bool" && text != "string") {
      return Status(Errc::kInvalid, expected);
    }
    return std::string(text);
  };
  type.format = [](const std::string& value) { return value; };
  return type;
}

MapKeys column_keys() {
  return MapKeys{
      .expected = "expected a map of column names to column types",
      .expected_key = "expected a column name",
      .valid_key = [](std::string_view name) { return !name.empty(); },
  };
}

// Reports `key` of `object` as set where it does not belong.
void misplaced(const Node& object, const std::string& path, std::string_view key,
               std::string_view why, Diagnostics& diags) {
  if (find_entry(object, key) == nullptr) return;
  diags.error(position_of(object, key), child_path(path, key), std::string(why));
}

// The kind of table decides which keys it takes.
void check_table_kind(const Node& object, const std::string& path, const TableConfig& table,
                      Diagnostics& diags) {
  const int kinds = (table.csv ? 1 : 0) + (table.sqlite ? 1 : 0) + (table.postgres ? 1 : 0) +
                    (table.materialized ? 1 : 0);
  if (kinds != 1) {
    diags.error(object.position, path,
                fmt::format("expected exactly one of csv: FILE, sqlite: FILE, postgres: "
                            "CONNINFO or materialized: true, found {}",
                            kinds == 0 ? "none" : "several"));
    return;
  }
  if (table.materialized) {
    constexpr std::string_view kWhy =
        "only for csv, sqlite and postgres tables (a materialized table takes its keys and "
        "documents from the pipeline that writes it)";
    for (std::string_view key : {"key", "columns", "reload_interval", "table", "query"}) {
      misplaced(object, path, key, std::string(kWhy), diags);
    }
    return;
  }
  if (!table.key) {
    diags.error(object.position, child_path(path, "key"),
                "required key is missing (the column whose value finds a row)");
  }
  if (table.csv) {
    misplaced(object, path, "table", "only for sqlite and postgres tables", diags);
    misplaced(object, path, "query", "only for sqlite and postgres tables", diags);
    return;
  }
  if (table.table.has_value() == table.query.has_value()) {
    diags.error(table.table ? position_of(object, "query") : object.position, path,
                fmt::format("expected exactly one of table: NAME or query: SELECT ... for {} table",
                            table.sqlite ? "an sqlite" : "a postgres"));
  }
}

}  // namespace

const ObjectSchema<TableConfig>& table_schema() {
  static const ObjectSchema<TableConfig> schema = [] {
    ObjectSchema<TableConfig> s;
    s.optional("csv", &TableConfig::csv, path_type(),
               "a lookup table read from this CSV file (header row first); relative to the "
               "config file's folder");
    s.optional("sqlite", &TableConfig::sqlite, path_type(),
               "a lookup table read from this SQLite database (read-only); relative to the "
               "config file's folder");
    s.optional("postgres", &TableConfig::postgres, text_type("a libpq connection string"),
               "a lookup table read from PostgreSQL with this libpq connection string "
               "(\"host=db port=5432 dbname=crm user=caudal password=${PGPASSWORD}\")");
    s.optional("table", &TableConfig::table, text_type("a table name"),
               "sqlite, postgres: the table whose rows to load");
    s.optional("query", &TableConfig::query, text_type("an SQL SELECT statement"),
               "sqlite, postgres: the SELECT whose rows to load, instead of a table");
    s.optional("key", &TableConfig::key, text_type("a column name"),
               "lookup tables: the column whose value finds a row");
    s.scalar_map("columns", &TableConfig::columns, column_keys(), column_type_type(),
                 "lookup tables: column -> int, float, bool or string; other columns' types are "
                 "inferred from their values");
    s.optional("reload_interval", &TableConfig::reload_interval, duration_type(kMinReloadInterval),
               "lookup tables: check the source file this often and reload it when it changed "
               "(postgres: read the table again this often)");
    s.scalar("materialized", &TableConfig::materialized, boolean_type(),
             "true: the latest document per key, written by pipelines (a table sink)");
    s.check(check_table_kind);
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
