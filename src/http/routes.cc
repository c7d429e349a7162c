#include "http/routes.h"

#include "http/handlers/health.h"
#include "http/handlers/ingest.h"
#include "http/handlers/metrics.h"

namespace caudal::http {

std::vector<Route> build_routes(const RouteContext& context) {
  // Every route Caudal serves, in one place. Keep it sorted by path.
  auto with_context = [context](auto handler) {
    return [context, handler](const Incoming& in, Responder responder) {
      handler(context, in, std::move(responder));
    };
  };
  return {
      {Verb::get, "/healthz", "healthz", answer_now(handle_healthz)},
      {Verb::get, "/metrics", "metrics",
       answer_now([context](const Incoming& in) { return handle_metrics(context, in.request); })},
      {Verb::get, "/readyz", "readyz",
       answer_now([context](const Incoming& in) { return handle_readyz(context, in.request); })},
      {Verb::post, "/v1/topics/{topic}", "ingest", with_context(handle_ingest)},
  };
}

}  // namespace caudal::http
