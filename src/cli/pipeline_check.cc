#include "cli/pipeline_check.h"

#include "server/table_options_mapping.h"

namespace caudal::cli {

Result<std::unique_ptr<table::Catalog>> open_lookup_tables(const config::Config& config,
                                                           metrics::Registry& registry) {
  table::CatalogOptions options = server::to_catalog_options(config);
  options.store_path.reset();
  options.materialized_tables.clear();
  return table::Catalog::open(std::move(options), registry);
}

}  // namespace caudal::cli
