#include "http/server.h"

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
  void start(ServerOptions options = {}) {
    RouteContext context;
    context.registry = &registry_;
    context.readiness_problems = [this] { return problems_; };
    auto router = std::make_shared<const Router>(build_routes(context));
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
  asio::write(socket, asio::buffer(std::string(
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
