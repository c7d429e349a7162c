#include "http/elasticsearch/routes.h"

#include "http/handlers/elasticsearch.h"
#include "http/handlers/search.h"
#include "http/query.h"

namespace caudal::http {
namespace {

Handler call(const SearchApi& search, SearchApi::Call what) {
  return search_handler(&search, what);
}

// _bulk and _doc with ?refresh=true|wait_for: answer once the documents are searchable.
Handler refreshing(const SearchApi& search, Handler ingest) {
  return [&search, ingest](const Incoming& in, Responder responder) {
    const std::optional<std::string> refresh =
        query_param(std::string_view(in.request.target()), "refresh");
    if (!refresh || *refresh == "false") {
      ingest(in, std::move(responder));
      return;
    }
    ingest(in, Responder([&search, responder](Response response) {
             auto held = std::make_shared<Response>(std::move(response));
             search.run(SearchApi::Call::kRefresh, "", "", {},
                        [held, responder](EsAnswer) { responder.send(std::move(*held)); });
           }));
  };
}

}  // namespace

EsParams es_params(std::string_view target) {
  EsParams params;
  const size_t question = target.find('?');
  if (question == std::string_view::npos) return params;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    for (char& c : value) {
      if (c == '+') c = ' ';
    }
    auto decoded_name = percent_decode(name);
    auto decoded_value = percent_decode(value);
    if (decoded_name && decoded_value)
      params.emplace(std::move(*decoded_name), std::move(*decoded_value));
  }
  return params;
}

std::vector<Route> build_elasticsearch_routes(const RouteContext& context,
                                              const SearchApi& search) {
  auto with_context = [context](auto handler) {
    return [context, handler](const Incoming& in, Responder responder) {
      handler(context, in, std::move(responder));
    };
  };
  const Handler bulk = refreshing(search, with_context(handle_bulk));
  const Handler doc = refreshing(search, with_context(handle_index_document));
  using C = SearchApi::Call;
  // First match wins (router.h): routes with literal segments come before {index} ones.
  return {
      {Verb::get, "/", "es_info", answer_now(handle_es_info)},
      {Verb::head, "/", "es_info", answer_now(handle_es_info)},
      {Verb::post, "/_bulk", "es_bulk", bulk},
      {Verb::put, "/_bulk", "es_bulk", bulk},
      {Verb::get, "/_cat/indices", "es_cat_indices", call(search, C::kCatIndices)},
      {Verb::get, "/_cat/indices/{index}", "es_cat_indices", call(search, C::kCatIndices)},
      {Verb::get, "/_cluster/health", "es_cluster_health", answer_now(handle_es_cluster_health)},
      {Verb::get, "/_count", "es_count", call(search, C::kCount)},
      {Verb::post, "/_count", "es_count", call(search, C::kCount)},
      {Verb::get, "/_mapping", "es_mapping", call(search, C::kMapping)},
      {Verb::post, "/_refresh", "es_refresh", call(search, C::kRefresh)},
      {Verb::get, "/_refresh", "es_refresh", call(search, C::kRefresh)},
      {Verb::get, "/_search", "es_search", call(search, C::kSearch)},
      {Verb::post, "/_search", "es_search", call(search, C::kSearch)},
      {Verb::post, "/{index}/_bulk", "es_bulk", bulk},
      {Verb::put, "/{index}/_bulk", "es_bulk", bulk},
      {Verb::get, "/{index}/_count", "es_count", call(search, C::kCount)},
      {Verb::post, "/{index}/_count", "es_count", call(search, C::kCount)},
      {Verb::put, "/{index}/_create/{id}", "es_doc", doc},
      {Verb::post, "/{index}/_create/{id}", "es_doc", doc},
      {Verb::post, "/{index}/_doc", "es_doc", doc},
      {Verb::put, "/{index}/_doc/{id}", "es_doc", doc},
      {Verb::post, "/{index}/_doc/{id}", "es_doc", doc},
      {Verb::get, "/{index}/_mapping", "es_mapping", call(search, C::kMapping)},
      {Verb::post, "/{index}/_refresh", "es_refresh", call(search, C::kRefresh)},
      {Verb::get, "/{index}/_refresh", "es_refresh", call(search, C::kRefresh)},
      {Verb::get, "/{index}/_search", "es_search", call(search, C::kSearch)},
      {Verb::post, "/{index}/_search", "es_search", call(search, C::kSearch)},
      {Verb::get, "/{index}", "es_index", call(search, C::kGetIndex)},
      {Verb::head, "/{index}", "es_index", call(search, C::kGetIndex)},
      {Verb::delete_, "/{index}", "es_delete_index", call(search, C::kDeleteIndex)},
  };
}

}  // namespace caudal::http
