#include "http/router.h"

#include <fmt/format.h>

#include "http/query.h"

namespace caudal::http {
namespace {

template <class Segments>
void split_path(std::string_view path, Segments& segments) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

Handler answer_now(std::function<Response(const Incoming&)> handler) {
  return [handler = std::move(handler)](const Incoming& incoming, Responder responder) {
    responder.send(handler(incoming));
  };
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  // Patterns are split once here; matching a request then only compares segments.
  for (const Route& route : routes_) {
    std::vector<Segment> segments;
    std::vector<std::string_view> parts;
    split_path(route.pattern, parts);
    for (std::string_view part : parts) {
      segments.push_back(is_capture(part)
                             ? Segment{std::string(part.substr(1, part.size() - 2)), true}
                             : Segment{std::string(part), false});
    }
    if (by_depth_.size() <= segments.size()) by_depth_.resize(segments.size() + 1);
    by_depth_[segments.size()].push_back(patterns_.size());
    patterns_.push_back(std::move(segments));
  }
}

bool Router::matches(size_t route, const PathSegments& path, PathParams* params) const {
  const std::vector<Segment>& pattern = patterns_[route];
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!pattern[i].capture && pattern[i].text != path[i]) return false;
  }
  if (params == nullptr) return true;
  PathParams captured;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!pattern[i].capture) continue;
    std::optional<std::string> value = percent_decode(path[i]);
    if (!value.has_value()) return false;
    captured.emplace(pattern[i].text, std::move(*value));
  }
  *params = std::move(captured);
  return true;
}

Router::Match Router::match(Verb method, std::string_view target) const {
  PathSegments path;
  split_path(target.substr(0, target.find('?')), path);
  Match result;
  if (path.size() >= by_depth_.size()) return result;
  const std::vector<size_t>& candidates = by_depth_[path.size()];
  for (const size_t i : candidates) {
    if (routes_[i].method != method) continue;
    // Most routes differ in their first segment: a cheap test before the full one.
    if (!path.empty() && !patterns_[i].front().capture && patterns_[i].front().text != path.front()) {
      continue;
    }
    if (!matches(i, path, &result.params)) continue;
    result.route = &routes_[i];
    return result;
  }
  // Nothing for this method: which methods would have matched (for 405 and Allow)?
  for (const size_t i : candidates) {
    if (routes_[i].method == method || !matches(i, path, nullptr)) continue;
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += std::string(boost::beast::http::to_string(routes_[i].method));
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
