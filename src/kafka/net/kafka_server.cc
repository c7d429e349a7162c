#include "kafka/net/kafka_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/check.h"
#include "common/errc.h"
#include "kafka/net/connection.h"

namespace caudal::kafka {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct KafkaServer::Impl : std::enable_shared_from_this<KafkaServer::Impl> {
  Impl(std::vector<asio::io_context*> event_loops, metrics::Registry& registry)
      : loops(std::move(event_loops)),
        acceptor(*loops.front()),
        connections(
            registry.counter("caudal_kafka_connections_total", "Kafka connections accepted")
                .get()) {}

  void accept() {
    // The socket is bound to the next loop in turn; the connection lives there. Starting it from
    // here is safe: nothing else touches the socket yet.
    asio::io_context& loop = *loops[next_loop++ % loops.size()];
    acceptor.async_accept(loop, [self = shared_from_this()](const boost::system::error_code& ec,
                                                            tcp::socket socket) {
      if (self->stopped.load() || ec == asio::error::operation_aborted) return;
      if (!ec) {
        self->connections.inc();
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Connection>(std::move(socket), self->shared)->start();
      } else {
        spdlog::warn("kafka: accept failed: {}", ec.message());
      }
      self->accept();
    });
  }

  std::vector<asio::io_context*> loops;
  tcp::acceptor acceptor;
  metrics::Counter& connections;
  std::shared_ptr<ListenerShared> shared;
  size_t next_loop = 0;
  std::atomic<bool> stopped{false};
};

Result<std::unique_ptr<KafkaServer>> KafkaServer::start(KafkaServerOptions options,
                                                        std::vector<asio::io_context*> loops,
                                                        BrokerConfig config, log::Log& log,
                                                        metrics::Registry& registry) {
  CAUDAL_CHECK(!loops.empty(), "KafkaServer needs at least one event loop");
  auto impl = std::make_shared<Impl>(std::move(loops), registry);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) {
    return Status(Errc::kInvalidArgument,
                  fmt::format("kafka listen address '{}' is not an IP address", options.host));
  }
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(Errc::kIo, fmt::format("cannot listen for kafka on {}:{}: {}", options.host,
                                         options.port, ec.message()));
  }
  uint16_t port = impl->acceptor.local_endpoint().port();
  impl->shared = std::make_shared<ListenerShared>(ListenerShared{
      log, std::move(config), options.max_frame_size, options.max_in_flight, port,
      registry.counter("caudal_kafka_requests_total", "Kafka requests dispatched, by API",
                       {"api"}),
      registry
          .counter("caudal_kafka_connections_closed_for_errors_total",
                   "Kafka connections closed because of a malformed or unsupported request")
          .get()});
  asio::post(impl->acceptor.get_executor(), [impl] { impl->accept(); });
  return std::unique_ptr<KafkaServer>(new KafkaServer(std::move(impl), port));
}

KafkaServer::KafkaServer(std::shared_ptr<Impl> impl, uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

KafkaServer::~KafkaServer() { stop(); }

void KafkaServer::stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
}

}  // namespace caudal::kafka
