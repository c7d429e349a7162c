// The tables API (docs/http-api.md §Tables): lookup and materialized tables, read-only.
//   GET /v1/tables                 every table: name, kind, rows, source
//   GET /v1/tables/{table}         a page of rows: ?prefix=&after=&limit= (default 100, at most
//                                  10000), in key order, with the `next` cursor
//   GET /v1/tables/{table}/{key}   one row's JSON document; 404 naming the table or the key
//
// The http module does not depend on the table module: the routes call TableQueries, which the
// composition root implements over table::Catalog (server/table_queries.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "http/routes.h"

namespace caudal::http {

// Read access to every table. Implementations are called from the event loops, concurrently;
// each call is bounded by its limit and must not wait on anything but a local read.
class TableQueries {
 public:
  struct Summary {
    std::string name;
    std::string kind;  // "lookup" or "materialized"
    uint64_t rows = 0;
    std::string source;  // where a lookup table reads from; "" for materialized ones
  };
  struct Row {
    std::string key;
    std::string json;                 // the row's JSON document, as stored
    std::optional<uint64_t> version;  // materialized tables: the version that wrote it
  };
  struct Page {
    std::vector<Row> rows;
    std::optional<std::string> next;  // pass as `after` for the next page; unset on the last
  };

  virtual ~TableQueries() = default;
  // Every table, sorted by name.
  virtual std::vector<Summary> list() const = 0;
  // The row of `key`, nullopt when the table has none. caudal::Errc::kNotFound when there is
  // no such table; any other error is a failure of the store.
  virtual Result<std::optional<Row>> get(std::string_view table, std::string_view key) const = 0;
  // Up to `limit` rows with keys starting with `prefix`, after `after`, in byte order of keys.
  // Errors as get().
  virtual Result<Page> scan(std::string_view table, std::string_view prefix, std::string_view after,
                            size_t limit) const = 0;
};

constexpr size_t kDefaultTableScanLimit = 100;
constexpr size_t kMaxTableScanLimit = 10000;

Response handle_list_tables(const RouteContext& context, const Incoming& incoming);
Response handle_scan_table(const RouteContext& context, const Incoming& incoming);
Response handle_get_table_row(const RouteContext& context, const Incoming& incoming);

}  // namespace caudal::http
