#include "server/table_queries.h"

#include <fmt/format.h>

#include "common/errc.h"

namespace caudal::server {
namespace {

Status unknown_table(std::string_view table) {
  return Status(caudal::Errc::kNotFound, fmt::format("no table named '{}'", table));
}

}  // namespace

std::vector<http::TableQueries::Summary> CatalogQueries::list() const {
  std::vector<Summary> out;
  for (table::TableInfo& info : catalog_.list()) {
    out.push_back(Summary{std::move(info.name), std::string(table::table_kind_name(info.kind)),
                          info.rows, std::move(info.source)});
  }
  return out;
}

Result<std::optional<http::TableQueries::Row>> CatalogQueries::get(std::string_view table,
                                                                   std::string_view key) const {
  if (table::LookupTable* lookup = catalog_.lookup(table)) {
    const auto snapshot = lookup->snapshot();
    const table::LookupRow* row = snapshot->find(key);
    lookup->record_lookups(1, row == nullptr ? 1 : 0);
    if (row == nullptr) return std::optional<Row>();
    return std::optional<Row>(Row{std::string(row->key()), std::string(row->json()), std::nullopt});
  }
  table::MaterializedTable* materialized = catalog_.find_materialized(table);
  if (materialized == nullptr) return unknown_table(table);
  CAUDAL_ASSIGN_OR_RETURN(std::optional<table::StoredRow> stored, materialized->get(key));
  if (!stored) return std::optional<Row>();
  return std::optional<Row>(Row{std::move(stored->key), std::move(stored->json), stored->version});
}

Result<http::TableQueries::Page> CatalogQueries::scan(std::string_view table,
                                                      std::string_view prefix,
                                                      std::string_view after, size_t limit) const {
  Page page;
  if (table::LookupTable* lookup = catalog_.lookup(table)) {
    const auto snapshot = lookup->snapshot();
    // One row more than asked tells whether another page follows.
    std::vector<const table::LookupRow*> rows = snapshot->scan(prefix, after, limit + 1);
    if (rows.size() > limit) {
      rows.pop_back();
      page.next = rows.empty() ? std::string(after) : std::string(rows.back()->key());
    }
    for (const table::LookupRow* row : rows) {
      page.rows.push_back(Row{std::string(row->key()), std::string(row->json()), std::nullopt});
    }
    return page;
  }
  table::MaterializedTable* materialized = catalog_.find_materialized(table);
  if (materialized == nullptr) return unknown_table(table);
  CAUDAL_ASSIGN_OR_RETURN(table::ScanPage stored, materialized->scan(prefix, after, limit));
  for (table::StoredRow& row : stored.rows) {
    page.rows.push_back(Row{std::move(row.key), std::move(row.json), row.version});
  }
  page.next = std::move(stored.next);
  return page;
}

}  // namespace caudal::server
