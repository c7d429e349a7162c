#include "http/server.h"

#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "http/routes.h"

namespace caudal::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpServerTest : public ::testing::Test {
 protected:
  // Starts a server on the real route table, plus `extra` routes (tried first).
  void start(ServerOptions options = {}, std::vector<Route> extra = {}) {
    RouteContext context;
    context.registry = &registry_;
    context.readiness_problems = [this] { return problems_; };
    std::vector<Route> routes = std::move(extra);
    for (Route& route : build_routes(context)) routes.push_back(std::move(route));
    auto router = std::make_shared<const Router>(std::move(routes));
    auto server = HttpServer::start(options, {&loop_}, router, registry_);
    ASSERT_TRUE(server.ok()) << server.status().to_string();
    server_ = std::move(server).value();
    thread_ = std::thread([this] { loop_.run(); });
  }

  void TearDown() override {
    if (server_) server_->stop();
    work_.reset();
    loop_.stop();
    if (thread_.joinable()) thread_.join();
  }

  tcp::socket connect() {
    tcp::socket socket(client_loop_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }

  // Reads until the peer closes or `want` complete responses (by Content-Length) arrived.
  static std::string read_responses(tcp::socket& socket, int want) {
    std::string data;
    char buf[4096];
    while (true) {
      int complete = 0;
      size_t pos = 0;
      while (true) {
        size_t head_end = data.find("\r\n\r\n", pos);
        if (head_end == std::string::npos) break;
        size_t cl = data.find("Content-Length: ", pos);
        if (cl == std::string::npos || cl > head_end) break;
        size_t length = std::stoul(data.substr(cl + 16));
        if (data.size() < head_end + 4 + length) break;
        pos = head_end + 4 + length;
        ++complete;
      }
      if (complete >= want) return data;
      boost::system::error_code ec;
      size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec) return data;
      data.append(buf, n);
    }
  }

  metrics::Registry registry_;
  std::vector<std::string> problems_;
  asio::io_context loop_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(loop_);
  asio::io_context client_loop_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  EXPECT_NE(server_->port(), 0);
  tcp::socket socket = connect();
  std::string requests =
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(socket, asio::buffer(requests));
  std::string data = read_responses(socket, 3);
  size_t a = data.find("{\"status\":\"alive\"}");
  size_t b = data.find("no route for GET /nope");
  size_t c = data.find("{\"status\":\"ready\"}");
  ASSERT_NE(a, std::string::npos) << data;
  ASSERT_NE(b, std::string::npos) << data;
  ASSERT_NE(c, std::string::npos) << data;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST_F(HttpServerTest, ReadyzNamesFailedChecks) {
  problems_ = {"disk below 1 GiB free"};
  start();
  tcp::socket socket = connect();
  asio::write(socket, asio::buffer(std::string("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string data = read_responses(socket, 1);
  EXPECT_NE(data.find("503 Service Unavailable"), std::string::npos) << data;
  EXPECT_NE(data.find("not ready: disk below 1 GiB free"), std::string::npos) << data;
  EXPECT_NE(data.find("Retry-After: 1"), std::string::npos) << data;
}

TEST_F(HttpServerTest, BodyOverLimitIs413BeforeReadingIt) {
  ServerOptions options;
  options.body_limit = 1000;
  start(options);
  tcp::socket socket = connect();
  // Announces 10 MB but sends only the headers: the server must refuse without waiting.
  asio::write(socket,
              asio::buffer(std::string(
                  "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")));
  std::string data = read_responses(socket, 1);
  EXPECT_NE(data.find("413 Payload Too Large"), std::string::npos) << data;
  EXPECT_NE(data.find("exceeds the limit of 1000 bytes"), std::string::npos) << data;
}

TEST_F(HttpServerTest, SlowHeadersTimeOut) {
  ServerOptions options;
  options.header_timeout = std::chrono::milliseconds(200);
  start(options);
  tcp::socket socket = connect();
  asio::write(socket, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHo")));
  auto started = std::chrono::steady_clock::now();
  std::string data = read_responses(socket, 1);  // returns when the server closes
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(data, "");
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST_F(HttpServerTest, MetricsCountRequestsByRouteAndStatus) {
  start();
  tcp::socket socket = connect();
  asio::write(socket, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                               "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string data = read_responses(socket, 2);
  EXPECT_NE(data.find("caudal_http_requests_total{route=\"healthz\",code=\"200\"} 1"),
            std::string::npos)
      << data;
  EXPECT_NE(data.find("text/plain; version=0.0.4"), std::string::npos);
}

TEST_F(HttpServerTest, ExpectContinueGetsTheGoAheadOnlyWithinLimits) {
  ServerOptions options;
  options.body_limit = 1000;
  start(options, {{Verb::post, "/echo", "echo", answer_now([](const Incoming& in) {
                     return make_response(in.request, StatusCode::ok, in.request.body(),
                                          "text/plain");
                   })}});
  tcp::socket socket = connect();
  asio::write(socket,
              asio::buffer(std::string("POST /echo HTTP/1.1\r\nHost: x\r\n"
                                       "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n")));
  char interim[25];
  asio::read(socket, asio::buffer(interim));
  EXPECT_EQ(std::string(interim, sizeof(interim)), "HTTP/1.1 100 Continue\r\n\r\n");
  asio::write(socket, asio::buffer(std::string("hello")));
  std::string data = read_responses(socket, 1);
  EXPECT_NE(data.find("200 OK"), std::string::npos) << data;
  EXPECT_NE(data.find("\r\n\r\nhello"), std::string::npos) << data;

  tcp::socket refused = connect();
  asio::write(refused,
              asio::buffer(std::string("POST /echo HTTP/1.1\r\nHost: x\r\n"
                                       "Expect: 100-continue\r\nContent-Length: 5000\r\n\r\n")));
  data = read_responses(refused, 1);
  EXPECT_EQ(data.find("100 Continue"), std::string::npos) << data;
  EXPECT_NE(data.find("413 Payload Too Large"), std::string::npos) << data;
}

TEST_F(HttpServerTest, AnswersFromAnotherThreadKeepPipelinedOrder) {
  std::vector<std::thread> workers;
  std::mutex mutex;
  // The first request is answered late from another thread; the second at once. The
  // responses must still come in request order.
  start({}, {{Verb::get, "/late", "late", [&](const Incoming& in, Responder responder) {
                Response response = make_response(in.request, StatusCode::ok, "late", "text/plain");
                std::lock_guard lock(mutex);
                workers.emplace_back([responder, response]() mutable {
                  std::this_thread::sleep_for(std::chrono::milliseconds(100));
                  responder.send(std::move(response));
                });
              }}});
  tcp::socket socket = connect();
  asio::write(socket, asio::buffer(std::string("GET /late HTTP/1.1\r\nHost: x\r\n\r\n"
                                               "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string data = read_responses(socket, 2);
  size_t late = data.find("\r\n\r\nlate");
  size_t alive = data.find("{\"status\":\"alive\"}");
  ASSERT_NE(late, std::string::npos) << data;
  ASSERT_NE(alive, std::string::npos) << data;
  EXPECT_LT(late, alive);
  std::lock_guard lock(mutex);
  for (auto& worker : workers) worker.join();
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionsAreClosed) {
  ServerOptions options;
  options.idle_timeout = std::chrono::milliseconds(200);
  start(options);
  tcp::socket socket = connect();
  asio::write(socket, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  const auto started = std::chrono::steady_clock::now();
  std::string data = read_responses(socket, 2);  // one answer, then the close
  EXPECT_NE(data.find("alive"), std::string::npos);
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(150));  // closed by the idle deadline...
  EXPECT_LT(waited, std::chrono::seconds(5));         // ...not left open
}

TEST_F(HttpServerTest, BindFailureIsAnError) {
  start();
  ServerOptions taken;
  taken.port = server_->port();
  asio::io_context other;
  RouteContext context;
  context.registry = &registry_;
  auto second = HttpServer::start(taken, {&other},
                                  std::make_shared<const Router>(build_routes(context)), registry_);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("cannot listen for http on 127.0.0.1:"),
            std::string::npos)
      << second.status().message();
}

}  // namespace
}  // namespace caudal::http
