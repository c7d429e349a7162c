// SearchApi: what the Elasticsearch listener's read and admin routes need from the search
// indexes, without the http module depending on them (the composition root implements it
// over index::api::EsApi, server/search_api_adapter.h). The answer is the complete response:
// status, body and content type, Elasticsearch-shaped errors included.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace caudal::http {

struct EsAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

// Decoded URI query parameters (`?q=status:500&size=5&pretty`); a flag has an empty value.
using EsParams = std::map<std::string, std::string, std::less<>>;

class SearchApi {
 public:
  enum class Call { kSearch, kCount, kCatIndices, kMapping, kGetIndex, kDeleteIndex, kRefresh };

  virtual ~SearchApi() = default;
  // Runs `call` on `indices` (an index expression: `web`, `a,b`, `social-*`, "" for all) off
  // the caller's thread and calls `done` with the answer, from any thread. Never blocks.
  virtual void run(Call call, std::string indices, std::string body, EsParams params,
                   std::function<void(EsAnswer)> done) const = 0;
};

}  // namespace caudal::http
