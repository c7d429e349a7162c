#include "http/server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errc.h"
#include "http/connection.h"

namespace caudal::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(ServerOptions options, std::vector<asio::io_context*> event_loops,
       std::shared_ptr<const Router> router, metrics::Registry& registry)
      : loops(std::move(event_loops)),
        acceptor(*loops.front()),
        listener(std::make_shared<ListenerState>(std::move(options), std::move(router), registry)) {
  }

  void accept();

  std::vector<asio::io_context*> loops;
  tcp::acceptor acceptor;
  std::shared_ptr<ListenerState> listener;
  size_t next_loop = 0;
};

void HttpServer::Impl::accept() {
  asio::io_context& loop = *loops[next_loop++ % loops.size()];
  acceptor.async_accept(
      loop, [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (self->listener->stopped.load() || ec == asio::error::operation_aborted) return;
        if (!ec) {
          self->listener->connections.inc();
          socket.set_option(tcp::no_delay(true), ec);
          serve_connection(std::move(socket), self->listener);
        } else {
          spdlog::warn("http: accept failed: {}", ec.message());
        }
        self->accept();
      });
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(ServerOptions options,
                                                      std::vector<asio::io_context*> loops,
                                                      std::shared_ptr<const Router> router,
                                                      metrics::Registry& registry) {
  CAUDAL_CHECK(!loops.empty(), "HttpServer needs at least one event loop");
  auto impl = std::make_shared<Impl>(options, std::move(loops), std::move(router), registry);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) {
    return caudal::Status(
        Errc::kInvalidArgument,
        fmt::format("http listen address '{}' is not an IP address", options.host));
  }
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return caudal::Status(Errc::kIo, fmt::format("cannot listen for http on {}:{}: {}",
                                                 options.host, options.port, ec.message()));
  }
  uint16_t port = impl->acceptor.local_endpoint().port();
  asio::post(impl->acceptor.get_executor(), [impl] { impl->accept(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(options), std::move(impl), port));
}

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<Impl> impl, uint16_t port)
    : options_(std::move(options)), impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::stop() {
  if (impl_->listener->stopped.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
}

}  // namespace caudal::http
