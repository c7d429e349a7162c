// Router: matches a method and path against the route table and calls the handler.
// Patterns are literal segments and `{name}` captures, e.g. "/v1/topics/{topic}". A path that
// matches a pattern under another method gets 405 with an Allow header; no match gets 404.
// Built once at start-up, then read-only: safe to use from every event loop at once.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.h"

namespace caudal::http {

using Handler = std::function<Response(const Request&, const PathParams&)>;

struct Route {
  Verb method;
  std::string pattern;
  std::string name;  // stable label for metrics ("healthz", "metrics", ...)
  Handler handler;
};

class Router {
 public:
  explicit Router(std::vector<Route> routes);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    PathParams params;
    std::string allow;             // methods allowed on this path, when only the method differs
  };
  Match match(Verb method, std::string_view target) const;

  Response dispatch(const Request& request) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace caudal::http
