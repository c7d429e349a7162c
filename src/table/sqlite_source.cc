// load_sqlite (source.h): the rows of an SQLite table or query.
#include <memory>

#include <fmt/format.h>
#include <sqlite3.h>

#include "table/errc.h"
#include "table/source.h"
#include "table/sql_identifier.h"

namespace caudal::table {
namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

}  // namespace

Result<SourceRows> load_sqlite(const SqliteSource& source, const DeclaredTypes& declared) {
  const std::string path = source.path.string();
  sqlite3* raw_db = nullptr;
  // Read-only and never created: a missing file is an error, not an empty database.
  const int open_rc = sqlite3_open_v2(path.c_str(), &raw_db, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, CloseDb> db(raw_db);
  if (open_rc != SQLITE_OK) {
    return Status(Errc::kSourceUnavailable,
                  fmt::format("cannot open SQLite database {}: {}", path,
                              db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(open_rc)));
  }
  // A database another process is writing may be locked for a moment.
  sqlite3_busy_timeout(db.get(), 2000);
  const std::string sql =
      source.query.empty() ? "SELECT * FROM " + quote_identifier(source.table) : source.query;
  const std::string what =
      source.query.empty() ? fmt::format("table '{}'", source.table) : std::string("query");
  sqlite3_stmt* raw_statement = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), static_cast<int>(sql.size()), &raw_statement,
                         nullptr) != SQLITE_OK) {
    return Status(Errc::kMalformedSource,
                  fmt::format("{} {}: {}", path, what, sqlite3_errmsg(db.get())));
  }
  std::unique_ptr<sqlite3_stmt, FinalizeStatement> statement(raw_statement);
  SourceRows rows;
  const int column_count = sqlite3_column_count(statement.get());
  if (column_count == 0) {
    return Status(Errc::kMalformedSource,
                  fmt::format("{} {}: returns no columns (not a SELECT?)", path, what));
  }
  for (int i = 0; i < column_count; ++i) {
    const char* name = sqlite3_column_name(statement.get(), i);
    CAUDAL_RETURN_IF_ERROR(
        add_result_column(rows, name != nullptr ? name : "", fmt::format("{} {}", path, what)));
  }
  while (true) {
    const int rc = sqlite3_step(statement.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      return Status(Errc::kSourceUnavailable,
                    fmt::format("{} {}: reading row {}: {}", path, what, rows.rows.size() + 1,
                                sqlite3_errmsg(db.get())));
    }
    std::vector<Value>& row = rows.rows.emplace_back();
    row.reserve(column_count);
    for (int i = 0; i < column_count; ++i) {
      switch (sqlite3_column_type(statement.get(), i)) {
        case SQLITE_NULL: row.emplace_back(); break;
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(statement.get(), i)));
          break;
        case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(statement.get(), i)); break;
        default: {
          // Text, and blobs as their bytes.
          const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement.get(), i));
          const int size = sqlite3_column_bytes(statement.get(), i);
          row.emplace_back(std::string(bytes != nullptr ? bytes : "", static_cast<size_t>(size)));
        }
      }
    }
    rows.locations.push_back(fmt::format("{} {} row {}", path, what, rows.rows.size()));
  }
  CAUDAL_RETURN_IF_ERROR(settle_column_types(rows, declared));
  return rows;
}

}  // namespace caudal::table
