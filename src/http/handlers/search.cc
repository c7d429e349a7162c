#include "http/handlers/search.h"

#include "http/elasticsearch/routes.h"
#include "http/errc.h"
#include "http/error_mapping.h"

namespace caudal::http {
namespace {

Response to_response(const Request& request, const EsAnswer& answer) {
  Response response = make_response(request, static_cast<StatusCode>(answer.status),
                                    request.method() == Verb::head ? std::string() : answer.body,
                                    answer.content_type);
  response.set("X-Elastic-Product", "Elasticsearch");
  return response;
}

}  // namespace

Handler search_handler(const SearchApi* search, SearchApi::Call call) {
  if (search == nullptr) {
    return answer_now([](const Incoming& in) {
      return make_status_error(in.request,
                               Status(Errc::kNotConfigured, "this listener serves no search"));
    });
  }
  return [search, call](const Incoming& in, Responder responder) {
    auto index = in.params.find("index");
    std::string indices = index == in.params.end() ? std::string() : index->second;
    const Request* request = &in.request;
    search->run(call, std::move(indices), std::string(in.request.body()),
                es_params(std::string_view(in.request.target())),
                [request, responder](EsAnswer answer) {
                  // The request stays valid until the responder has sent (router.h).
                  responder.send(to_response(*request, answer));
                });
  };
}

}  // namespace caudal::http
