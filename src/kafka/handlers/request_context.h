// What a handler gets for one request: the broker's state, the connection it came on, the
// decoded header with the still-encoded body, and the Responder that delivers its answer.
//
// Threading: a handler is called on its connection's event loop and must not block there for
// long. It may answer at once or later from any thread (Produce answers from the log's
// completion callbacks, Fetch when data arrives or its wait ends); the Responder hands the
// frame back to the connection's loop, which writes responses in request order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "common/bytes.h"
#include "common/check.h"
#include "common/status.h"
#include "kafka/idempotence/producer_id_allocator.h"
#include "kafka/protocol/headers.h"
#include "log/log.h"
#include "log/topic_settings.h"

namespace caudal::kafka {

class GroupCoordinator;

// Broker-wide settings the handlers read; fixed while the listener runs.
struct BrokerConfig {
  int32_t node_id = 0;
  std::string cluster_id = "caudal";
  // Metadata for an unknown topic creates it with topic_defaults (when the request allows it).
  bool auto_create_topics = true;
  log::TopicSettings topic_defaults;
  // InitProducerId hands out ids from it; without one it answers COORDINATOR_NOT_AVAILABLE.
  // Shared by every connection (allocate() is thread-safe).
  std::shared_ptr<ProducerIdAllocator> producer_ids;
  // The group APIs go to it (group/group_coordinator.h); without one they answer
  // COORDINATOR_NOT_AVAILABLE. Its calls are thread-safe.
  std::shared_ptr<GroupCoordinator> groups;
};

// The connection a request came on. Valid only during the handler call: a handler that answers
// later copies what it needs.
struct ConnectionInfo {
  std::string peer;        // "address:port" of the client, for logs
  std::string local_host;  // the address the client connected to; Metadata advertises it
  uint16_t port = 0;       // the listener's port
  std::optional<std::string> client_id;  // from the latest request header
};

// Delivers one request's answer to its connection. Exactly one of send() or send_nothing()
// must be called, once, from any thread. If the connection closed meanwhile the answer is
// dropped.
class Responder {
 public:
  using Deliver = std::function<void(std::optional<Bytes>)>;

  explicit Responder(Deliver deliver) : deliver_(std::move(deliver)) {}

  // A whole response frame (size prefix, header, body).
  void send(Bytes frame) { take()(std::move(frame)); }
  // For requests that get no response (Produce with acks=0); keeps the request order.
  void send_nothing() { take()(std::nullopt); }

 private:
  Deliver take() {
    CAUDAL_CHECK(deliver_ != nullptr, "a Kafka request was answered twice");
    return std::exchange(deliver_, nullptr);
  }

  Deliver deliver_;
};

struct RequestContext {
  log::Log& log;
  const BrokerConfig& config;
  const ConnectionInfo& connection;
  // The connection's event loop: where timers and deferred work of this request run.
  boost::asio::any_io_executor executor;
  // The request frame's payload; request.body points into it, so an asynchronous handler
  // that keeps decoded ByteView fields keeps this pointer too.
  std::shared_ptr<const Bytes> frame;
  IncomingRequest request;
  Responder respond;

  int16_t version() const { return request.header.api_version; }
  int32_t correlation_id() const { return request.header.correlation_id; }
};

// Encodes `body` as the response to a request of `version` with `correlation_id`. Caudal only
// encodes values it built itself, so a failure is a bug, not a client's fault.
template <Message M>
Bytes encode_response(const M& body, int16_t version, int32_t correlation_id) {
  Result<Bytes> frame = encode_response_frame(body, version, correlation_id);
  CAUDAL_CHECK(frame.ok(), frame.status().message());
  return std::move(*frame);
}

// Answers the request in `context` with `body`, at the request's version.
template <Message M>
void reply(RequestContext& context, const M& body) {
  context.respond.send(encode_response(body, context.version(), context.correlation_id()));
}

}  // namespace caudal::kafka
