// The search and count requests of the Elasticsearch API over one or more index snapshots:
// request parsing (body and URI parameters), hits, total hits, aggregations, limits and the
// response body (docs/search.md). Errors are index::Errc values whose message starts with
// "[line:col]" when they point into the request body; api/es_error.h renders them.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "index/index.h"
#include "index/json.h"

namespace caudal::index {

struct SearchLimits {
  size_t max_result_window = 10'000;  // from + size, as index.max_result_window
  size_t max_buckets = 65'536;        // search.max_buckets
  std::chrono::milliseconds default_timeout{30'000};
  uint64_t memory_budget_bytes = 512ull << 20;
};

// URI parameters of _search and _count (q, df, default_operator, sort, size, from, _source,
// track_total_hits, timeout); decoded values.
using UriParams = std::map<std::string, std::string, std::less<>>;

// Runs `body` (null for none) over `snapshots`. `count_only` gives the _count response.
Result<Json> run_search(const std::vector<std::shared_ptr<const Snapshot>>& snapshots,
                        const Json& body, const UriParams& params, const SearchLimits& limits,
                        int64_t now_ms, bool count_only);

}  // namespace caudal::index
