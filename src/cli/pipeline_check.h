// Compiling a configuration's pipelines outside `caudal serve` (`caudal config check`,
// `caudal pipeline test`): the lookup tables are loaded for real, so a `lookup` step naming a
// table that does not exist or does not load is reported; materialized tables are not opened
// (their store belongs to the running server, whose data directory may be locked).
#pragma once

#include <memory>
#include <vector>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "config/config.h"
#include "pipeline/definition.h"
#include "table/catalog.h"

namespace caudal::cli {

// The lookup tables of `config`, without the materialized tables' store.
Result<std::unique_ptr<table::Catalog>> open_lookup_tables(const config::Config& config,
                                                           metrics::Registry& registry);

}  // namespace caudal::cli
