// Where a lookup table's rows come from, and reading them. A source is read whole into
// SourceRows; LookupSnapshot (lookup_snapshot.h) indexes them. One alternative of `Source`
// and one reader per kind: csv_source.cc, sqlite_source.cc, postgres_source.cc.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "common/result.h"
#include "table/value.h"

namespace caudal::table {

struct Column {
  std::string name;
  ColumnType type = ColumnType::kString;

  friend bool operator==(const Column&, const Column&) = default;
};

// A CSV file with a header row naming the columns (csv_reader.h for the syntax).
struct CsvSource {
  std::filesystem::path path;
};

// An SQLite database file, opened read-only: every row of `table`, or the rows of `query`
// (exactly one of the two is set). Columns are named by the table or the query's result.
struct SqliteSource {
  std::filesystem::path path = {};
  std::string table = {};
  std::string query = {};
};

// A PostgreSQL table or query (exactly one of the two), read over a connection opened for
// each load and closed after it: a lookup table is loaded whole and seldom. Columns are named
// by the result; int2/4/8 columns come as ints, float4/8 and numeric as floats, bool as bools,
// everything else as its text.
struct PostgresSource {
  std::string conninfo = {};  // libpq connection string; may hold a password: never shown
  std::string table = {};
  std::string query = {};
};

using Source = std::variant<CsvSource, SqliteSource, PostgresSource>;

// Column types given in the configuration; columns not named here are inferred from their
// values (value.h: the strict int, float and bool forms; anything else is a string).
using DeclaredTypes = std::map<std::string, ColumnType, std::less<>>;

// A source's rows with settled column types: every cell is null or of its column's type.
struct SourceRows {
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;
  // Where each row came from, for messages: "customers.csv:12", "sites.db row 12".
  std::vector<std::string> locations;
};

// Reads the whole source. Errc::kSourceUnavailable when it cannot be opened or read,
// Errc::kMalformedSource (naming file and line, or row) when its content is wrong or a value
// does not fit its declared type; Errc::kInvalidOptions when a declared column is missing.
Result<SourceRows> load_source(const Source& source, const DeclaredTypes& declared);

// "csv customers.csv", "sqlite sites.db table sites", "postgres db on host:5432 query": for
// logs and the HTTP API (never a password).
std::string describe(const Source& source);
std::string describe_postgres(const PostgresSource& source);

// The files whose modification time tells whether the source changed (a database's -wal file
// too, when it has one). None for a server (PostgreSQL): it is read again at every check.
std::vector<std::filesystem::path> watched_files(const Source& source);

// Reader entry points behind load_source (csv_source.cc, sqlite_source.cc, postgres_source.cc).
Result<SourceRows> load_csv(const CsvSource& source, const DeclaredTypes& declared);
Result<SourceRows> load_sqlite(const SqliteSource& source, const DeclaredTypes& declared);
Result<SourceRows> load_postgres(const PostgresSource& source, const DeclaredTypes& declared);

// Gives every column of `rows` its type: the declared one (converting each cell, an error
// naming the cell's location when one does not convert) or the inferred one. Cells come in as
// null, strings (CSV) or SQLite's int64/double/string. Shared by the readers.
Status settle_column_types(SourceRows& rows, const DeclaredTypes& declared);

// Adds a column named `name` (typed later by settle_column_types); kMalformedSource naming
// `where` when the result already has a column of that name. Shared by the SQL readers.
Status add_result_column(SourceRows& rows, std::string name, std::string_view where);

}  // namespace caudal::table
