#include "kafka/net/connection.h"

#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/headers.h"

namespace caudal::kafka {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string endpoint_text(const tcp::endpoint& endpoint) {
  return fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
}

}  // namespace

Connection::Connection(tcp::socket socket, std::shared_ptr<ListenerShared> shared)
    : socket_(std::move(socket)), shared_(std::move(shared)), decoder_(shared_->max_frame_size) {
  boost::system::error_code ec;
  auto peer = socket_.remote_endpoint(ec);
  info_.peer = ec ? "unknown peer" : endpoint_text(peer);
  auto local = socket_.local_endpoint(ec);
  info_.local_host = ec ? "127.0.0.1" : local.address().to_string();
  info_.port = shared_->port;
}

void Connection::start() { read(); }

void Connection::read() {
  if (closed_ || reading_) return;
  if (slots_.size() >= shared_->max_in_flight) return;  // answer() resumes reading
  reading_ = true;
  std::span<uint8_t> buffer = decoder_.read_buffer();
  socket_.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->on_read(ec, n); });
}

void Connection::on_read(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    if (ec != asio::error::eof && ec != asio::error::operation_aborted &&
        ec != asio::error::connection_reset) {
      spdlog::info("kafka: client {} at {}: read failed: {}", info_.client_id.value_or("-"),
                   info_.peer, ec.message());
    } else if (decoder_.bytes_pending() > 0) {
      spdlog::info("kafka: client {} at {} closed the connection in the middle of a frame",
                   info_.client_id.value_or("-"), info_.peer);
    }
    return close();
  }
  Status committed = decoder_.commit(n);
  if (!committed.ok()) {
    close_for("(frame)", committed.message());
    return;
  }
  while (std::optional<Bytes> frame = decoder_.next_frame()) {
    if (!dispatch(std::move(*frame))) return;
  }
  read();
}

bool Connection::dispatch(Bytes payload) {
  auto frame = std::make_shared<const Bytes>(std::move(payload));
  Result<IncomingRequest> request = decode_request_header(*frame);
  if (!request.ok()) {
    close_for("(header)", request.status().message());
    return false;
  }
  info_.client_id = request->header.client_id;
  const ApiInfo& api = *request->api;
  int16_t version = request->header.api_version;
  Handler handler = find_handler(api.key);
  if (handler == nullptr) {
    close_for(api.name, fmt::format("{} is not served by this listener", api.name));
    return false;
  }
  if (!api.supports(version) && api.key != ApiKey::kApiVersions) {
    close_for(api.name, fmt::format("{} v{} is not served (versions {} to {} are)", api.name,
                                    version, api.min_version, api.max_version));
    return false;
  }
  shared_->requests.with({std::string(api.name)}).inc();

  uint64_t sequence = next_sequence_++;
  slots_.push_back(Slot{sequence, false, std::nullopt});
  // The answer may come from any thread; it is handed back to this connection's loop.
  Responder responder([self = shared_from_this(), sequence,
                       executor = socket_.get_executor()](std::optional<Bytes> answer) {
    asio::post(executor, [self, sequence, answer = std::move(answer)]() mutable {
      self->answer(sequence, std::move(answer));
    });
  });
  RequestContext context{shared_->log,        shared_->config, info_, socket_.get_executor(),
                         frame,               *request,        std::move(responder)};
  Status handled = handler(context);
  if (!handled.ok()) {
    close_for(api.name, handled.message());
    return false;
  }
  return true;
}

void Connection::answer(uint64_t sequence, std::optional<Bytes> frame) {
  if (closed_ || slots_.empty()) return;
  uint64_t index = sequence - slots_.front().sequence;
  if (index >= slots_.size()) return;
  slots_[index].answered = true;
  slots_[index].frame = std::move(frame);
  write_ready();
}

void Connection::write_ready() {
  if (writing_ || closed_) return;
  auto batch = std::make_shared<std::vector<Bytes>>();
  while (!slots_.empty() && slots_.front().answered) {
    if (slots_.front().frame) batch->push_back(std::move(*slots_.front().frame));
    slots_.pop_front();
  }
  if (batch->empty()) {
    read();  // slots may have been freed by answers that send nothing
    return;
  }
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(batch->size());
  for (const Bytes& bytes : *batch) buffers.emplace_back(bytes.data(), bytes.size());
  writing_ = true;
  asio::async_write(socket_, buffers,
                    [self = shared_from_this(), batch](const boost::system::error_code& ec,
                                                       size_t) {
                      self->writing_ = false;
                      if (ec) return self->close();
                      self->write_ready();
                    });
}

void Connection::close_for(std::string_view api, const std::string& reason) {
  shared_->malformed.inc();
  spdlog::warn("kafka: closing the connection of client {} at {}: {}: {}",
               info_.client_id.value_or("-"), info_.peer, api, reason);
  close();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  slots_.clear();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace caudal::kafka
