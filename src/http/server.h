// HttpServer: an HTTP/1.1 listener (keep-alive, pipelined requests answered in order) that
// hands every request to a Router.
//
// Threading: the acceptor runs on the first event loop; each accepted connection is pinned to
// the next loop in turn and lives there until it closes, so a connection's state needs no lock.
// Handlers start on the connection's loop and must not block; they answer through a Responder
// (router.h), possibly later and from another thread, and the response is written on the
// connection's loop. A client that sends `Expect: 100-continue` gets the go-ahead only after its
// headers passed the limits, so an oversized body is refused before it is sent.
//
// Room for the security issue: a connection (connection.h) reads and writes only through its
// one stream member and hands handlers an Incoming, so TLS is a different stream type (an
// ssl_stream over the socket, handshaken before the first read) and a bearer-token principal
// is one more Incoming field checked before the route's handler runs, without a rewrite of
// the request path.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "http/router.h"

namespace caudal::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                  // 0 picks a free port; see HttpServer::port()
  uint64_t body_limit = 64ull << 20;  // bigger bodies get 413 before they are read
  uint32_t header_limit = 64u << 10;
  std::chrono::milliseconds header_timeout{10'000};  // time to receive a request's headers
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive connection with no request
};

class HttpServer {
 public:
  // Binds and starts accepting. `loops` must outlive the server; at least one.
  static Result<std::unique_ptr<HttpServer>> start(ServerOptions options,
                                                   std::vector<boost::asio::io_context*> loops,
                                                   std::shared_ptr<const Router> router,
                                                   metrics::Registry& registry);
  ~HttpServer();

  // The bound port (the real one when options.port was 0).
  uint16_t port() const { return port_; }
  const std::string& host() const { return options_.host; }

  // Stops accepting and closes idle connections. Safe to call from any thread, more than once.
  void stop();

  struct Impl;

 private:
  HttpServer(ServerOptions options, std::shared_ptr<Impl> impl, uint16_t port);
  ServerOptions options_;
  std::shared_ptr<Impl> impl_;
  uint16_t port_;
};

}  // namespace caudal::http
