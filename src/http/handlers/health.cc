#include "http/handlers/health.h"

#include <fmt/format.h>

namespace caudal::http {

Response handle_healthz(const Incoming& incoming) {
  return make_response(incoming.request, StatusCode::ok, "{\"status\":\"alive\"}",
                       "application/json");
}

Response handle_readyz(const RouteContext& context, const Request& request) {
  std::vector<std::string> problems;
  if (context.readiness_problems) problems = context.readiness_problems();
  if (problems.empty()) {
    return make_response(request, StatusCode::ok, "{\"status\":\"ready\"}", "application/json");
  }
  std::string list;
  for (const auto& p : problems) {
    if (!list.empty()) list += "; ";
    list += p;
  }
  Response response =
      make_error(request, StatusCode::service_unavailable, fmt::format("not ready: {}", list));
  response.set(boost::beast::http::field::retry_after, "1");
  return response;
}

}  // namespace caudal::http
