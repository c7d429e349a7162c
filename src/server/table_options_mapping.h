// The one mapping from the configuration's tables (config::TableConfig, as users write them) to
// the table catalog's options (table::CatalogOptions).
#pragma once

#include "config/config.h"
#include "table/catalog.h"

namespace caudal::server {

// Relative csv and sqlite paths resolve against the folder of the config file, as data_dir
// does; the materialized tables' store is <data_dir>/state/tables.
table::CatalogOptions to_catalog_options(const config::Config& config);

}  // namespace caudal::server
