#include "http/handlers/metrics.h"

namespace caudal::http {

Response handle_metrics(const RouteContext& context, const Request& request) {
  return make_response(request, StatusCode::ok, context.registry->render(),
                       "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace caudal::http
