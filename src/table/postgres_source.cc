// load_postgres (source.h): the rows of a PostgreSQL table or query.
#include <charconv>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "table/errc.h"
#include "table/postgres_connection.h"
#include "table/source.h"
#include "table/sql_identifier.h"

namespace caudal::table {
namespace {

// Type OIDs of pg_type (stable across versions: they are in the server's catalog headers).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// A cell from its text form and its column's type; the text itself when it does not read as
// that type (a numeric beyond double's range stays exact as text).
Value cell_value(std::string_view text, Oid type) {
  switch (type) {
    case kBoolOid: return text == "t";
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid: {
      int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size()) return value;
      break;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      if (std::optional<double> value = parse_float(text)) return *value;
      break;
    }
    default: break;
  }
  return std::string(text);
}

// The option of `conninfo` named `key`, or `fallback` (libpq's own defaults are not shown).
std::string conninfo_option(const std::string& conninfo, std::string_view key, std::string_view fallback) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  std::string out(fallback);
  for (PQconninfoOption* o = options; o != nullptr && o->keyword != nullptr; ++o) {
    if (key == o->keyword && o->val != nullptr && o->val[0] != '\0') out = o->val;
  }
  if (options != nullptr) PQconninfoFree(options);
  return out;
}

}  // namespace

std::string describe_postgres(const PostgresSource& source) {
  const std::string where = fmt::format("postgres {} on {}:{}", conninfo_option(source.conninfo, "dbname", "?"),
                                        conninfo_option(source.conninfo, "host", "localhost"),
                                        conninfo_option(source.conninfo, "port", "5432"));
  if (source.query.empty()) return fmt::format("{} table {}", where, source.table);
  return where + " query";
}

Result<SourceRows> load_postgres(const PostgresSource& source, const DeclaredTypes& declared) {
  const std::string where = describe_postgres(source);
  PostgresConnection connection(source.conninfo);
  if (std::optional<PostgresFailure> failed = connection.connect()) {
    return Status(Errc::kSourceUnavailable, fmt::format("{}: {}", where, failed->message));
  }
  const std::string sql = source.query.empty() ? "SELECT * FROM " + quote_table_name(source.table) : source.query;
  PostgresResult result;
  if (std::optional<PostgresFailure> failed = connection.exec(sql, PGRES_TUPLES_OK, &result)) {
    // A server or connection problem may pass; a wrong query or a missing column will not.
    const bool unavailable = is_transient_sqlstate(failed->sqlstate);
    return Status(unavailable ? Errc::kSourceUnavailable : Errc::kMalformedSource,
                  fmt::format("{}: {}{}", where, failed->message,
                              failed->sqlstate.empty() ? "" : fmt::format(" (SQLSTATE {})", failed->sqlstate)));
  }
  SourceRows rows;
  const int column_count = PQnfields(result.get());
  for (int c = 0; c < column_count; ++c) {
    CAUDAL_RETURN_IF_ERROR(add_result_column(rows, PQfname(result.get(), c), where));
  }
  const int row_count = PQntuples(result.get());
  rows.rows.reserve(static_cast<size_t>(row_count));
  rows.locations.reserve(static_cast<size_t>(row_count));
  for (int r = 0; r < row_count; ++r) {
    std::vector<Value>& row = rows.rows.emplace_back();
    row.reserve(static_cast<size_t>(column_count));
    for (int c = 0; c < column_count; ++c) {
      if (PQgetisnull(result.get(), r, c)) {
        row.emplace_back();
        continue;
      }
      const std::string_view text(PQgetvalue(result.get(), r, c), static_cast<size_t>(PQgetlength(result.get(), r, c)));
      row.push_back(cell_value(text, PQftype(result.get(), c)));
    }
    rows.locations.push_back(fmt::format("{} row {}", where, r + 1));
  }
  CAUDAL_RETURN_IF_ERROR(settle_column_types(rows, declared));
  return rows;
}

}  // namespace caudal::table
