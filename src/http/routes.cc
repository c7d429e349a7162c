#include "http/routes.h"

#include "http/handlers/health.h"
#include "http/handlers/metrics.h"

namespace caudal::http {

std::vector<Route> build_routes(const RouteContext& context) {
  // Every route Caudal serves, in one place. Keep it sorted by path.
  return {
      {Verb::get, "/healthz", "healthz", handle_healthz},
      {Verb::get, "/metrics", "metrics",
       [context](const Request& r, const PathParams&) { return handle_metrics(context, r); }},
      {Verb::get, "/readyz", "readyz",
       [context](const Request& r, const PathParams&) { return handle_readyz(context, r); }},
  };
}

}  // namespace caudal::http
