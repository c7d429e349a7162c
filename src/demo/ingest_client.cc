#include "demo/ingest_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "common/errc.h"

namespace caudal::demo {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

struct IngestClient::Connection {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  beast::flat_buffer buffer;
};

IngestClient::IngestClient(std::string host, uint16_t port)
    : host_(std::move(host)), port_(port) {}

IngestClient::~IngestClient() = default;

Status IngestClient::post_ndjson(std::string_view topic, std::string ndjson) {
  const std::string address = fmt::format("{}:{}", host_, port_);
  boost::system::error_code error;
  if (!connection_) {
    auto connection = std::make_unique<Connection>();
    asio::ip::tcp::resolver resolver(connection->io);
    auto endpoints = resolver.resolve(host_, std::to_string(port_), error);
    if (!error) asio::connect(connection->socket, endpoints, error);
    if (error) return Status(Errc::kIo, fmt::format("cannot connect to {}: {}", address,
                                                    error.message()));
    connection->socket.set_option(asio::ip::tcp::no_delay(true), error);
    connection_ = std::move(connection);
  }
  const std::string target = fmt::format("/v1/topics/{}?key=id", topic);
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, address);
  request.set(http::field::content_type, "application/x-ndjson");
  request.keep_alive(true);
  request.body() = std::move(ndjson);
  request.prepare_payload();
  http::write(connection_->socket, request, error);
  http::response<http::string_body> response;
  if (!error) http::read(connection_->socket, connection_->buffer, response, error);
  if (error) {
    connection_.reset();
    return Status(Errc::kIo, fmt::format("POST {} to {} failed: {}", target, address,
                                         error.message()));
  }
  if (!response.keep_alive()) connection_.reset();
  if (response.result() != http::status::ok) {
    return Status(Errc::kUnavailable,
                  fmt::format("POST {} to {} answered {}: {}", target, address,
                              response.result_int(), response.body()));
  }
  return Status();
}

}  // namespace caudal::demo
