// Router: matches a method and path against the route table and calls the handler.
// Patterns are literal segments and `{name}` captures, e.g. "/v1/topics/{topic}"; captured
// values are percent-decoded. A path that matches a pattern under another method gets 405 with
// an Allow header; no match gets 404. Built once at start-up, then read-only: safe to use from
// every event loop at once.
//
// Handlers answer through a Responder, at once or later (after an append is acknowledged, from
// whichever thread learns of it), so no handler ever waits on an event loop.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/container/small_vector.hpp>

#include "http/types.h"

namespace caudal::http {

// One request as a handler sees it. Everything referenced stays valid, unchanged, until the
// handler's Responder has sent the response: the connection owns it and reads nothing else
// meanwhile. A handler that answers later may keep a copy of this struct, not longer.
struct Incoming {
  Request& request;  // the handler may consume the body
  const PathParams& params;
  const std::string& client_address;  // the peer's IP address, without port
  // The connection's event loop: where continuations of the handler belong.
  boost::asio::any_io_executor executor;
};

// Sends the response to one request. Copyable, so it can ride in completion callbacks; every
// copy refers to the same request. Call send() exactly once, from any thread: the connection
// writes the response on its own event loop. A Responder that is never used leaves the
// connection waiting, so every path through a handler must end in send().
class Responder {
 public:
  using SendFn = std::function<void(Response)>;
  explicit Responder(SendFn send) : send_(std::make_shared<SendFn>(std::move(send))) {}

  void send(Response response) const { (*send_)(std::move(response)); }

 private:
  std::shared_ptr<SendFn> send_;
};

using Handler = std::function<void(const Incoming& incoming, Responder responder)>;

// A handler that computes its response right away.
Handler answer_now(std::function<Response(const Incoming&)> handler);

struct Route {
  Verb method;
  std::string pattern;
  std::string name;  // stable label for metrics ("healthz", "ingest", ...)
  Handler handler;
};

class Router {
 public:
  explicit Router(std::vector<Route> routes);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    PathParams params;
    std::string allow;  // methods allowed on this path, when only the method differs
  };
  Match match(Verb method, std::string_view target) const;

  // Answers a request that matched no route (`match.route` is null): 405 or 404.
  static Response unmatched(const Request& request, const Match& match);

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;  // the literal, or the capture's name
    bool capture;
  };
  // A request path split at '/', inline for the depths routes have (no allocation per request).
  using PathSegments = boost::container::small_vector<std::string_view, 8>;
  // Whether `path` fits route `route`; fills `params` (when given) with decoded captures.
  bool matches(size_t route, const PathSegments& path, PathParams* params) const;

  std::vector<Route> routes_;
  std::vector<std::vector<Segment>> patterns_;  // per route, split once
  // Per number of path segments, the routes of that depth in table order: a request is
  // compared only with routes it could match.
  std::vector<std::vector<size_t>> by_depth_;
};

}  // namespace caudal::http
