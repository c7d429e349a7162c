#include "http/router.h"

#include <fmt/format.h>

#include "http/query.h"

namespace caudal::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool match_pattern(std::string_view pattern, const std::vector<std::string_view>& got,
                   PathParams& params) {
  auto want = split_path(pattern);
  if (want.size() != got.size()) return false;
  PathParams captured;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}') {
      std::optional<std::string> value = percent_decode(got[i]);
      if (!value.has_value()) return false;
      captured.emplace(std::string(want[i].substr(1, want[i].size() - 2)), std::move(*value));
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

}  // namespace

Handler answer_now(std::function<Response(const Incoming&)> handler) {
  return [handler = std::move(handler)](const Incoming& incoming, Responder responder) {
    responder.send(handler(incoming));
  };
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

Router::Match Router::match(Verb method, std::string_view target) const {
  const auto segments = split_path(target.substr(0, target.find('?')));
  Match result;
  for (const Route& route : routes_) {
    PathParams params;
    if (!match_pattern(route.pattern, segments, params)) continue;
    if (route.method == method) {
      result.route = &route;
      result.params = std::move(params);
      result.allow.clear();
      return result;
    }
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += std::string(boost::beast::http::to_string(route.method));
  }
  return result;
}

Response Router::unmatched(const Request& request, const Match& match) {
  if (!match.allow.empty()) {
    Response response = make_error(request, StatusCode::method_not_allowed,
                                   fmt::format("method {} is not allowed on {}; allowed: {}",
                                               std::string(request.method_string()),
                                               std::string(request.target()), match.allow));
    response.set(boost::beast::http::field::allow, match.allow);
    return response;
  }
  return make_error(request, StatusCode::not_found,
                    fmt::format("no route for {} {}", std::string(request.method_string()),
                                std::string(request.target())));
}

}  // namespace caudal::http
