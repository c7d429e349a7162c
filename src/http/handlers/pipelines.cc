#include "http/handlers/pipelines.h"

#include "http/errc.h"
#include "http/error_mapping.h"
#include "http/json_writer.h"
#include "http/query.h"

namespace caudal::http {

std::string key_as_json(std::string_view key) {
  const bool json_like = !key.empty() && (key.front() == '"' || key.front() == '[' || key.front() == '{' ||
                                          key.front() == '-' || (key.front() >= '0' && key.front() <= '9') ||
                                          key == "true" || key == "false" || key == "null");
  if (json_like) return std::string(key);
  JsonWriter json;
  json.value(key);
  return json.take();
}

void handle_pipeline_state(const RouteContext& context, const Incoming& incoming, Responder responder) {
  const Request& request = incoming.request;
  if (context.pipelines == nullptr) {
    responder.send(make_status_error(request, Status(Errc::kNotConfigured, "this listener serves no pipelines")));
    return;
  }
  const std::optional<std::string> key = query_param(request.target(), "key");
  if (!key.has_value() || key->empty()) {
    responder.send(make_status_error(
        request, Status(Errc::kInvalidRequest, "the query parameter `key` is required: ?key=s1 or ?key=[\"s1\",\"smoke\"]")));
    return;
  }
  // The request stays valid until the responder sends (router.h), whichever thread answers.
  const Request* pending = &request;
  context.pipelines->state(incoming.params.find("pipeline")->second, key_as_json(*key),
                           [pending, responder](Result<std::string> state) {
                             if (!state.ok()) {
                               responder.send(make_status_error(*pending, state.status()));
                               return;
                             }
                             responder.send(make_response(*pending, StatusCode::ok, std::move(state).value(),
                                                          "application/json"));
                           });
}

}  // namespace caudal::http
