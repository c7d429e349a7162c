// The one table of every HTTP route Caudal serves (routes.cc). A route's handler lives in
// handlers/<group>.cc; adding a route means one line in the table and one handler function.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "http/router.h"

namespace caudal::http {

// What the handlers need from the running system, passed in by the composition root.
struct RouteContext {
  metrics::Registry* registry = nullptr;
  // Names the reasons the process is not ready to take traffic; empty when ready.
  std::function<std::vector<std::string>()> readiness_problems;
};

std::vector<Route> build_routes(const RouteContext& context);

}  // namespace caudal::http
