// EsApi: the Elasticsearch-compatible read and admin API over the index catalog
// (docs/search.md §API), as request text in and response text out, so the HTTP side needs no
// knowledge of indexes (http/elasticsearch/search_api.h is its interface; server/ connects
// the two):
//   _search and _count over index expressions (`web`, `a,b`, `social-*`), with a body or URI
//   parameters; _cat/indices (text or ?format=json); _mapping; GET /{index}; DELETE /{index};
//   _refresh.
// Every call may run on any thread; a search holds snapshots, never a lock, while it runs.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "index/api/es_error.h"
#include "index/catalog.h"
#include "index/search.h"

namespace caudal::index::api {

class EsApi {
 public:
  EsApi(Catalog& catalog, SearchLimits limits, Clock& clock = SystemClock::instance());

  EsResponse search(std::string_view indices, std::string_view body, const UriParams& params,
                    bool count_only) const;
  EsResponse cat_indices(std::string_view indices, const UriParams& params) const;
  EsResponse mapping(std::string_view indices, const UriParams& params) const;
  EsResponse get_index(std::string_view indices, const UriParams& params) const;
  EsResponse delete_index(std::string_view indices, const UriParams& params) const;
  EsResponse refresh(std::string_view indices, const UriParams& params) const;

 private:
  Catalog& catalog_;
  SearchLimits limits_;
  Clock& clock_;
};

}  // namespace caudal::index::api
