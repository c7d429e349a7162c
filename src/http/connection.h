// One HTTP/1.1 client connection of an HttpServer (server.h): reads requests, hands each to
// its route's handler, writes the response the handler sends, and repeats while keep-alive
// holds. Pipelined requests wait in the read buffer and are answered one after another, in
// order: the next request is read only after the previous response is written, so the request
// a handler holds (Incoming) stays untouched until it answers.
//
// Threading: a connection lives on the event loop its socket was accepted onto; everything
// here runs on that loop, except Responder::send(), which may be called from any thread and
// hands the response over to the loop.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "common/metrics/registry.h"
#include "http/router.h"
#include "http/server.h"

namespace caudal::http {

// What the connections of one listener share; lives as long as any of them.
struct ListenerState {
  ListenerState(ServerOptions server_options, std::shared_ptr<const Router> route_table,
                metrics::Registry& registry);

  ServerOptions options;
  std::shared_ptr<const Router> router;
  metrics::Family<metrics::Counter>& requests;   // by route and status code
  metrics::Family<metrics::Histogram>& latency;  // by route
  metrics::Counter& connections;
  std::atomic<bool> stopped{false};  // set by HttpServer::stop(): no new requests are read
};

// Starts serving `socket` (accepted on the loop that runs its executor). The connection keeps
// itself alive until it closes.
void serve_connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ListenerState> listener);

}  // namespace caudal::http
