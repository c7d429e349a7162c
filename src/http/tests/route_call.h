// Runs one GET through the route table built from `context` and returns its response, for
// tests of routes that answer in the same call (no event loop needed).
#pragma once

#include <string>

#include <boost/asio/io_context.hpp>

#include "http/router.h"
#include "http/routes.h"

namespace caudal::http {

inline Response get_through_routes(const RouteContext& context, const std::string& target) {
  const Router router(build_routes(context));
  Request request(Verb::get, target, 11);
  Router::Match match = router.match(Verb::get, target);
  if (match.route == nullptr) return Router::unmatched(request, match);
  const std::string client = "127.0.0.1";
  boost::asio::io_context loop;
  Response response;
  match.route->handler(Incoming{request, match.params, client, loop.get_executor()},
                       Responder([&response](Response r) { response = std::move(r); }));
  return response;
}

}  // namespace caudal::http
