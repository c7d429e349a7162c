// CatalogQueries: the HTTP tables API's view (http::TableQueries) of the table catalog. Lives
// here, in the composition root, so that http/ and table/ do not depend on each other.
//
// Thread-safety: const and stateless besides the catalog, which takes calls from any thread;
// the catalog must outlive it.
#pragma once

#include "http/handlers/tables.h"
#include "table/catalog.h"

namespace caudal::server {

class CatalogQueries final : public http::TableQueries {
 public:
  explicit CatalogQueries(table::Catalog& catalog) : catalog_(catalog) {}

  std::vector<Summary> list() const override;
  Result<std::optional<Row>> get(std::string_view table, std::string_view key) const override;
  Result<Page> scan(std::string_view table, std::string_view prefix, std::string_view after,
                    size_t limit) const override;

 private:
  table::Catalog& catalog_;
};

}  // namespace caudal::server
