// Applying a changed caudal.yaml to a running Caudal (docs/configuration.md §Reloading).
//
// What changes without a restart: pipelines (changed ones restart from their checkpoints, the
// others keep running untouched), new topics, new tables. Everything else (listeners, data
// directory, HTTP settings, topic defaults, settings of existing topics and tables, indexes) is
// listed in the result as needing a restart and keeps its running value.
//
// A new file with errors, a new table that cannot load, or a pipeline that does not compile
// refuses the whole reload: nothing changes and the result lists the errors.
#pragma once

#include "config/config.h"
#include "log/log.h"
#include "pipeline/runtime/pipelines.h"
#include "server/config_reloader.h"
#include "table/catalog.h"

namespace caudal::server {

struct ReloadTargets {
  log::Log& log;
  table::Catalog& tables;
  pipeline::Pipelines& pipelines;
};

// Reads running.source_file again and applies it to `targets`; `running` becomes what now
// runs. Called on the reloader's thread only.
ConfigReloader::Outcome reload_configuration(config::Config& running, ReloadTargets targets);

}  // namespace caudal::server
