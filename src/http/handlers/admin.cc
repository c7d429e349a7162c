#include "http/handlers/admin.h"

#include "common/errc.h"
#include "http/errc.h"
#include "http/error_mapping.h"

namespace caudal::http {
namespace {

Response answer(const Request& request, ReloadAnswer result) {
  return make_response(request, result.applied ? StatusCode::ok : StatusCode::bad_request,
                       std::move(result.json), "application/json");
}

}  // namespace

void handle_reload(const RouteContext& context, const Incoming& incoming, Responder responder) {
  const Request& request = incoming.request;
  if (context.admin == nullptr) {
    responder.send(make_status_error(request, Status(Errc::kNotConfigured, "this listener serves no admin API")));
    return;
  }
  // The request stays valid until the responder sends (router.h), whichever thread answers.
  const Request* pending = &request;
  context.admin->reload([pending, responder](ReloadAnswer result) {
    responder.send(answer(*pending, std::move(result)));
  });
}

Response handle_last_reload(const RouteContext& context, const Incoming& incoming) {
  const Request& request = incoming.request;
  if (context.admin == nullptr) {
    return make_status_error(request, Status(Errc::kNotConfigured, "this listener serves no admin API"));
  }
  std::optional<ReloadAnswer> last = context.admin->last_reload();
  if (!last.has_value()) {
    return make_status_error(request, Status(caudal::Errc::kNotFound, "no reload has run since Caudal started"));
  }
  // The last result is shown with 200 whether or not it was applied: this GET itself worked.
  return make_response(request, StatusCode::ok, std::move(last->json), "application/json");
}

}  // namespace caudal::http
