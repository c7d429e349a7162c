// The routes of the Elasticsearch-compatible listener (listen.elasticsearch; docs/search.md
// §API): cluster info, _bulk and _doc (the ingest handlers of handlers/elasticsearch.h,
// writing to each index's topic through the gateway), and the search routes answered by a
// SearchApi: _search, _count, _cat/indices, _mapping, _refresh, GET|HEAD|DELETE /{index}.
// `?refresh` on _bulk and _doc answers after the documents are searchable.
#pragma once

#include <vector>

#include "http/elasticsearch/search_api.h"
#include "http/routes.h"

namespace caudal::http {

// `search` must outlive the routes.
std::vector<Route> build_elasticsearch_routes(const RouteContext& context, const SearchApi& search);

// The decoded query parameters of a request target.
EsParams es_params(std::string_view target);

}  // namespace caudal::http
