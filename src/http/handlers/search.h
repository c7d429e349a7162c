// The search routes, shared by both listeners: the Elasticsearch-compatible listener serves
// them at Elasticsearch's paths (elasticsearch/routes.h), the main HTTP listener under
// /v1/search (docs/http-api.md §Search), so a page served by the dashboard can search its own
// origin. Both answer with the same bodies, Elasticsearch-shaped errors included, and carry
// `X-Elastic-Product: Elasticsearch`.
#pragma once

#include "http/elasticsearch/search_api.h"
#include "http/routes.h"

namespace caudal::http {

// A handler that runs `call` on the `{index}` capture (all indexes when the route has none)
// with the request's body and query parameters. `search` must outlive the handler; null (no
// search service in this process) answers 503.
Handler search_handler(const SearchApi* search, SearchApi::Call call);

}  // namespace caudal::http
