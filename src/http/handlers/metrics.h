// GET /metrics: the process's metrics registry in the Prometheus text exposition format.
#pragma once

#include "http/routes.h"

namespace caudal::http {

Response handle_metrics(const RouteContext& context, const Request& request);

}  // namespace caudal::http
