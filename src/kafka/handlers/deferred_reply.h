// DeferredReply: a request's answer taken out of its RequestContext so it can be sent after the
// handler returned, from any thread (the group coordinator answers JoinGroup when the join
// phase ends, OffsetCommit once the offsets are durable). Copyable only so it fits in a
// std::function; exactly one copy may send (Responder checks).
#pragma once

#include <cstdint>
#include <utility>

#include "kafka/handlers/request_context.h"

namespace caudal::kafka {

class DeferredReply {
 public:
  explicit DeferredReply(RequestContext& context)
      : respond_(std::move(context.respond)),
        version_(context.version()),
        correlation_id_(context.correlation_id()) {}

  template <Message M>
  void send(const M& body) {
    respond_.send(encode_response(body, version_, correlation_id_));
  }

  int16_t version() const { return version_; }

 private:
  Responder respond_;
  int16_t version_;
  int32_t correlation_id_;
};

// The client's address as Kafka's DescribeGroups shows it ("/127.0.0.1"), from "address:port".
inline std::string client_host(const ConnectionInfo& connection) {
  size_t colon = connection.peer.rfind(':');
  return "/" + connection.peer.substr(0, colon);
}

}  // namespace caudal::kafka
