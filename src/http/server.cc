#include "http/server.h"

#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errc.h"

namespace caudal::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

struct ServerMetrics {
  metrics::Family<metrics::Counter>& requests;
  metrics::Family<metrics::Histogram>& latency;
  metrics::Counter& connections;

  explicit ServerMetrics(metrics::Registry& registry)
      : requests(registry.counter("caudal_http_requests_total",
                                  "HTTP requests answered, by route and status code",
                                  {"route", "code"})),
        latency(registry.histogram("caudal_http_request_duration_seconds",
                                   "Time from a complete request to its response being written",
                                   {"route"}, metrics::Histogram::latency_seconds_bounds())),
        connections(registry.counter("caudal_http_connections_total",
                                     "HTTP connections accepted")
                        .get()) {}
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(ServerOptions opts, std::vector<asio::io_context*> event_loops,
       std::shared_ptr<const Router> r, metrics::Registry& registry)
      : options(std::move(opts)),
        loops(std::move(event_loops)),
        acceptor(*loops.front()),
        router(std::move(r)),
        metrics(registry) {}

  void accept();

  ServerOptions options;
  std::vector<asio::io_context*> loops;
  tcp::acceptor acceptor;
  std::shared_ptr<const Router> router;
  ServerMetrics metrics;
  size_t next_loop = 0;
  std::atomic<bool> stopped{false};
};

namespace {

// One client connection: read a request, hand it to its route's handler, write the response
// when the handler sends it, repeat while keep-alive holds. Requests a client pipelines sit in
// `buffer_` and are answered one after another, in order: the next request is read only after
// the previous response is written, so the request a handler holds stays untouched meanwhile.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<HttpServer::Impl> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}

  void start() {
    beast::error_code ec;
    auto remote = stream_.socket().remote_endpoint(ec);
    if (!ec) client_address_ = remote.address().to_string();
    read_next();
  }

 private:
  void read_next() {
    if (server_->stopped.load()) return close();
    parser_.emplace();
    parser_->body_limit(server_->options.body_limit);
    parser_->header_limit(server_->options.header_limit);
    // The first request of a connection gets the header timeout; later ones the idle timeout
    // (a keep-alive client may stay quiet between requests).
    stream_.expires_after(requests_served_ == 0 ? server_->options.header_timeout
                                                : server_->options.idle_timeout);
    beast::http::async_read_header(stream_, buffer_, *parser_,
                                   [self = shared_from_this()](beast::error_code ec, size_t) {
                                     self->on_header(ec);
                                   });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    if (parser_->is_done()) return on_request();
    // A client that asks first (curl does for large bodies) gets the go-ahead only once the
    // headers passed every check, so a refused body is never sent at all.
    if (beast::iequals(parser_->get()[beast::http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(server_->options.idle_timeout);
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code write_ec, size_t) {
                          if (write_ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  // Reads the body piece by piece, each piece within the idle timeout: a large body on a slow
  // link is fine as long as it keeps moving.
  void read_body() {
    stream_.expires_after(server_->options.idle_timeout);
    beast::http::async_read_some(stream_, buffer_, *parser_,
                                 [self = shared_from_this()](beast::error_code ec, size_t) {
                                   if (ec) return self->on_read_error(ec);
                                   if (!self->parser_->is_done()) return self->read_body();
                                   self->on_request();
                                 });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == beast::http::error::end_of_stream || ec == asio::error::eof) return close();
    if (ec == beast::http::error::body_limit) {
      return reply_and_close(StatusCode::payload_too_large,
                             fmt::format("request body exceeds the limit of {} bytes",
                                         server_->options.body_limit));
    }
    if (ec == beast::http::error::header_limit) {
      return reply_and_close(StatusCode::request_header_fields_too_large,
                             fmt::format("request headers exceed the limit of {} bytes",
                                         server_->options.header_limit));
    }
    if (ec == beast::error::timeout) return close();
    if (ec != asio::error::operation_aborted && ec != asio::error::connection_reset) {
      return reply_and_close(StatusCode::bad_request,
                             fmt::format("malformed request: {}", ec.message()));
    }
    close();
  }

  void on_request() {
    stream_.expires_never();
    request_ = parser_->release();
    started_ = std::chrono::steady_clock::now();
    match_ = server_->router->match(request_.method(), request_.target());
    if (match_.route == nullptr) {
      route_name_ = "unmatched";
      return finish(Router::unmatched(request_, match_));
    }
    route_name_ = match_.route->name;
    Responder responder([self = shared_from_this()](Response response) {
      // Runs inline when the handler answers on this connection's loop, else is queued there.
      asio::dispatch(self->stream_.get_executor(),
                     [self, response = std::move(response)]() mutable {
                       self->finish(std::move(response));
                     });
    });
    match_.route->handler(
        Incoming{request_, match_.params, client_address_, stream_.get_executor()},
        std::move(responder));
  }

  void finish(Response response) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const unsigned code = response.result_int();
    // A keep-alive client mostly repeats one route and status: look their instruments up
    // only when they change (a lookup locks the family, shared by every loop).
    if (cached_requests_ == nullptr || cached_route_ != route_name_ || cached_code_ != code) {
      cached_route_ = route_name_;
      cached_code_ = code;
      cached_requests_ = &server_->metrics.requests.with({route_name_, std::to_string(code)});
      cached_latency_ = &server_->metrics.latency.with({route_name_});
    }
    cached_requests_->inc();
    cached_latency_->observe(seconds);
    ++requests_served_;
    write(std::move(response));
  }

  void write(Response response) {
    auto owned = std::make_shared<Response>(std::move(response));
    bool keep_alive = owned->keep_alive();
    beast::http::async_write(
        stream_, *owned,
        [self = shared_from_this(), owned, keep_alive](beast::error_code ec, size_t) {
          if (ec || !keep_alive) return self->close();
          self->read_next();
        });
  }

  void reply_and_close(StatusCode status, std::string_view reason) {
    Request placeholder;
    placeholder.version(11);
    placeholder.keep_alive(false);
    Response response = make_error(placeholder, status, reason);
    server_->metrics.requests.with({"unmatched", std::to_string(response.result_int())}).inc();
    write(std::move(response));
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<HttpServer::Impl> server_;
  std::string client_address_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  // The request being answered, and what the router found for it. Untouched from
  // on_request() until finish(): handlers hold references (Incoming).
  Request request_;
  Router::Match match_;
  std::string route_name_;
  std::chrono::steady_clock::time_point started_;
  uint64_t requests_served_ = 0;
  std::string cached_route_;
  unsigned cached_code_ = 0;
  metrics::Counter* cached_requests_ = nullptr;
  metrics::Histogram* cached_latency_ = nullptr;
};

}  // namespace

void HttpServer::Impl::accept() {
  asio::io_context& loop = *loops[next_loop++ % loops.size()];
  acceptor.async_accept(loop, [self = shared_from_this()](beast::error_code ec,
                                                          tcp::socket socket) {
    if (self->stopped.load() || ec == asio::error::operation_aborted) return;
    if (!ec) {
      self->metrics.connections.inc();
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Connection>(std::move(socket), self)->start();
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
  beast::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) {
    return caudal::Status(Errc::kInvalidArgument,
                  fmt::format("http listen address '{}' is not an IP address", options.host));
  }
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return caudal::Status(Errc::kIo, fmt::format("cannot listen for http on {}:{}: {}", options.host,
                                         options.port, ec.message()));
  }
  uint16_t port = impl->acceptor.local_endpoint().port();
  asio::post(impl->acceptor.get_executor(), [impl] { impl->accept(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(options), std::move(impl), port));
}

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<Impl> impl, uint16_t port)
    : options_(std::move(options)), impl_(std::move(impl)), port_(port) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
}

}  // namespace caudal::http
