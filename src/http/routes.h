// The one table of every HTTP route Caudal serves (routes.cc). A route's handler lives in
// handlers/<group>.cc; adding a route means one line in the table and one handler function.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "http/router.h"

namespace caudal::log {
class Log;
}  // namespace caudal::log

namespace caudal::http {

class AdminActions;
class Gateway;
class PipelineQueries;
class SearchApi;
class TableQueries;

// What the handlers need from the running system, passed in by the composition root. Every
// pointer must outlive the routes built from it.
struct RouteContext {
  metrics::Registry* registry = nullptr;
  // Names the reasons the process is not ready to take traffic; empty when ready.
  std::function<std::vector<std::string>()> readiness_problems;
  // The ingest APIs' shared state; without one (a listener that serves no ingest), the ingest
  // routes answer 503.
  Gateway* gateway = nullptr;
  // The tables API's view of every table; without one, the tables routes answer 503.
  const TableQueries* tables = nullptr;
  // The pipelines API's view of the running pipelines; without one, its routes answer 503.
  const PipelineQueries* pipelines = nullptr;
  // The admin API's actions (reload); without them, its routes answer 503.
  const AdminActions* admin = nullptr;
  // The search routes' indexes (/v1/search); without them, those routes answer 503.
  const SearchApi* search = nullptr;
  // The topics read API's log; without one, those routes answer 503.
  const log::Log* log = nullptr;
  // The built dashboard's folder (http.dashboard); empty: the /ui routes answer 503.
  std::filesystem::path dashboard_dir;
};

std::vector<Route> build_routes(const RouteContext& context);

}  // namespace caudal::http
