// KafkaServer: the Kafka wire-protocol listener. It accepts connections on the first event loop
// and pins each to the next loop in turn; a connection (connection.h) cuts its stream into
// frames, hands each request to its handler (handlers/handler_table.h) and writes the answers
// back in request order.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "kafka/handlers/request_context.h"
#include "kafka/protocol/frame.h"
#include "log/log.h"

namespace caudal::kafka {

struct KafkaServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0 picks a free port; see KafkaServer::port()
  // A request frame announcing more than this is refused before anything is allocated for it,
  // and the connection closed (Kafka's socket.request.max.bytes).
  size_t max_frame_size = kDefaultMaxFrameSize;
  // Requests read ahead of the oldest unanswered one; reading pauses beyond it, so a client
  // pipelining without bound cannot make the broker buffer without bound.
  size_t max_in_flight = 256;
};

class KafkaServer {
 public:
  // Binds and starts accepting. `loops`, `log` and `registry` must outlive the server; at least
  // one loop. kInvalidArgument for a host that is not an IP address, kIo when binding fails.
  static Result<std::unique_ptr<KafkaServer>> start(KafkaServerOptions options,
                                                    std::vector<boost::asio::io_context*> loops,
                                                    BrokerConfig config, log::Log& log,
                                                    metrics::Registry& registry);
  ~KafkaServer();
  KafkaServer(const KafkaServer&) = delete;
  KafkaServer& operator=(const KafkaServer&) = delete;

  // The bound port (the real one when options.port was 0).
  uint16_t port() const { return port_; }

  // Stops accepting. Connections end when their loops stop. Any thread, more than once.
  void stop();

  struct Impl;

 private:
  KafkaServer(std::shared_ptr<Impl> impl, uint16_t port);
  std::shared_ptr<Impl> impl_;
  uint16_t port_;
};

}  // namespace caudal::kafka
