#include "http/connection.h"

#include <chrono>
#include <ctime>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <fmt/format.h>

#include "http/run_on_loop.h"

namespace caudal::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

ListenerState::ListenerState(ServerOptions server_options,
                             std::shared_ptr<const Router> route_table, metrics::Registry& registry)
    : options(std::move(server_options)),
      router(std::move(route_table)),
      requests(registry.counter("caudal_http_requests_total",
                                "HTTP requests answered, by route and status code",
                                {"route", "code"})),
      latency(registry.histogram("caudal_http_request_duration_seconds",
                                 "Time from a complete request to its response being handed to "
                                 "the connection",
                                 {"route"}, metrics::Histogram::latency_seconds_bounds())),
      connections(
          registry.counter("caudal_http_connections_total", "HTTP connections accepted").get()) {}

namespace {

// steady_clock's time (CLOCK_MONOTONIC) to within a scheduler tick, for about a tenth of the
// cost of the precise reading: deadlines are seconds long and are set twice per request. A
// deadline set a few milliseconds early only makes the timer fire early and re-arm, since
// the timer's handler compares with the precise clock.
Clock::time_point coarse_now() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(now.tv_sec) +
                                                  std::chrono::nanoseconds(now.tv_nsec)));
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<ListenerState> listener)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        listener_(std::move(listener)) {}

  void start() {
    beast::error_code ec;
    auto remote = socket_.remote_endpoint(ec);
    if (!ec) client_address_ = remote.address().to_string();
    read_next();
  }

 private:
  // ---- deadlines ----
  // One timer per connection, armed at most once at a time: moving the deadline later is a
  // store, not a timer operation, and the timer re-arms itself when it fires early. Reaching
  // the deadline closes the socket, which ends the pending read or write.

  void expire_after(Clock::duration timeout) {
    deadline_ = coarse_now() + timeout;
    if (!timer_armed_ || deadline_ < armed_for_) arm_timer();
  }

  void expire_never() { deadline_ = Clock::time_point::max(); }

  void arm_timer() {
    timer_armed_ = true;
    armed_for_ = deadline_;
    // Re-arming cancels the pending wait; its handler must then do nothing.
    const uint64_t generation = ++timer_generation_;
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this(), generation](beast::error_code) {
      if (generation != self->timer_generation_) return;
      self->timer_armed_ = false;
      if (self->closed_ || self->deadline_ == Clock::time_point::max()) return;
      if (Clock::now() >= self->deadline_) return self->close();
      self->arm_timer();
    });
  }

  // ---- reading ----

  void read_next() {
    if (listener_->stopped.load()) return close();
    parser_.emplace();
    parser_->body_limit(listener_->options.body_limit);
    parser_->header_limit(listener_->options.header_limit);
    // The first request of a connection gets the header timeout; later ones the idle timeout
    // (a keep-alive client may stay quiet between requests).
    expire_after(requests_served_ == 0 ? listener_->options.header_timeout
                                       : listener_->options.idle_timeout);
    beast::http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    if (parser_->is_done()) return on_request();
    // A client that asks first (curl does for large bodies) gets the go-ahead only once the
    // headers passed every check, so a refused body is never sent at all.
    if (beast::iequals(parser_->get()[beast::http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      expire_after(listener_->options.idle_timeout);
      asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
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
    expire_after(listener_->options.idle_timeout);
    beast::http::async_read_some(socket_, buffer_, *parser_,
                                 [self = shared_from_this()](beast::error_code ec, size_t) {
                                   if (ec) return self->on_read_error(ec);
                                   if (!self->parser_->is_done()) return self->read_body();
                                   self->on_request();
                                 });
  }

  void on_read_error(beast::error_code ec) {
    if (closed_ || ec == asio::error::operation_aborted) return close();
    if (ec == beast::http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      return close();
    }
    if (ec == beast::http::error::body_limit) {
      return reply_and_close(
          StatusCode::payload_too_large,
          fmt::format("request body exceeds the limit of {} bytes", listener_->options.body_limit));
    }
    if (ec == beast::http::error::header_limit) {
      return reply_and_close(StatusCode::request_header_fields_too_large,
                             fmt::format("request headers exceed the limit of {} bytes",
                                         listener_->options.header_limit));
    }
    reply_and_close(StatusCode::bad_request, fmt::format("malformed request: {}", ec.message()));
  }

  // ---- answering ----

  void on_request() {
    expire_never();
    request_ = parser_->release();
    started_ = Clock::now();
    match_ = listener_->router->match(request_.method(), request_.target());
    if (match_.route == nullptr) {
      route_name_ = "unmatched";
      return finish(Router::unmatched(request_, match_));
    }
    route_name_ = match_.route->name;
    Responder responder([self = shared_from_this()](Response response) {
      // Runs inline when the handler answers on this connection's loop, else is queued there.
      run_on_loop(self->socket_.get_executor(),
                  [self, response = std::move(response)] { self->finish(response); });
    });
    match_.route->handler(
        Incoming{request_, match_.params, client_address_, socket_.get_executor()},
        std::move(responder));
  }

  void finish(const Response& response) {
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    const unsigned code = response.result_int();
    // A keep-alive client mostly repeats one route and status: look their instruments up
    // only when they change (a lookup locks the family, which every loop shares).
    if (cached_requests_ == nullptr || cached_route_ != route_name_ || cached_code_ != code) {
      cached_route_ = route_name_;
      cached_code_ = code;
      cached_requests_ = &listener_->requests.with({route_name_, std::to_string(code)});
      cached_latency_ = &listener_->latency.with({route_name_});
    }
    cached_requests_->inc();
    cached_latency_->observe(seconds);
    ++requests_served_;
    write(response);
  }

  void write(const Response& response) {
    serialize_response(response, out_);
    const bool keep_alive = response.keep_alive();
    expire_after(listener_->options.idle_timeout);
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) return self->close();
                        self->read_next();
                      });
  }

  void reply_and_close(StatusCode status, std::string_view reason) {
    Request placeholder;
    placeholder.version(11);
    placeholder.keep_alive(false);
    const Response response = make_error(placeholder, status, reason);
    listener_->requests.with({"unmatched", std::to_string(response.result_int())}).inc();
    write(response);
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  bool timer_armed_ = false;
  uint64_t timer_generation_ = 0;
  Clock::time_point armed_for_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool closed_ = false;

  std::shared_ptr<ListenerState> listener_;
  std::string client_address_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  // The request being answered, and what the router found for it. Untouched from
  // on_request() until finish(): handlers hold references (Incoming).
  Request request_;
  Router::Match match_;
  std::string route_name_;
  Clock::time_point started_;
  uint64_t requests_served_ = 0;
  std::string out_;  // the response being written; its capacity is reused

  std::string cached_route_;
  unsigned cached_code_ = 0;
  metrics::Counter* cached_requests_ = nullptr;
  metrics::Histogram* cached_latency_ = nullptr;
};

}  // namespace

void serve_connection(tcp::socket socket, std::shared_ptr<ListenerState> listener) {
  std::make_shared<Connection>(std::move(socket), std::move(listener))->start();
}

}  // namespace caudal::http
