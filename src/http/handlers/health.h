// Health endpoints for load balancers and orchestrators.
//   GET /healthz  200 while the process serves requests at all (liveness).
//   GET /readyz   200 when every readiness check passes, else 503 naming the failed checks.
#pragma once

#include "http/routes.h"

namespace caudal::http {

Response handle_healthz(const Incoming& incoming);
Response handle_readyz(const RouteContext& context, const Request& request);

}  // namespace caudal::http
