// One Kafka client connection, pinned to one event loop: every member is touched on that loop
// only. It reads frames (refusing an oversized one before allocating it), dispatches each
// request to its handler, and keeps an ordered queue of answer slots, so requests a client
// pipelines are answered in the order they came even when handlers finish out of order; a slot
// answered with "nothing" (acks=0) is skipped.
//
// A malformed request (bad frame size, undecodable header or body, an API or version that is
// not served) closes this connection only, after one log line naming the client and the API.
//
// The byte stream is reached only through read_some() and write(), and the per-connection
// authentication state lives in `session_`, so a TLS stream and SASL slot in here without
// touching the request path.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/bytes.h"
#include "common/metrics/registry.h"
#include "kafka/handlers/request_context.h"
#include "kafka/protocol/frame.h"
#include "log/log.h"

namespace caudal::kafka {

// What the listener shares with its connections.
struct ListenerShared {
  log::Log& log;
  BrokerConfig config;
  size_t max_frame_size;
  size_t max_in_flight;
  uint16_t port;
  metrics::Family<metrics::Counter>& requests;  // by api
  metrics::Counter& malformed;
};

// Who the client is, as far as the connection knows. Plaintext connections are authenticated
// as nobody in particular; SASL will fill the principal in and gate requests on it.
struct Session {
  bool authenticated = true;
  std::optional<std::string> principal;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ListenerShared> shared);

  // Starts reading; the connection keeps itself alive until it closes.
  void start();

 private:
  struct Slot {
    uint64_t sequence;
    bool answered = false;
    std::optional<Bytes> frame;  // empty once answered: no response for this request
  };

  void read();
  void on_read(const boost::system::error_code& ec, size_t n);
  // False when the connection was closed because of this frame.
  bool dispatch(Bytes payload);
  void answer(uint64_t sequence, std::optional<Bytes> frame);
  void write_ready();
  void close_for(std::string_view api, const std::string& reason);
  void close();

  boost::asio::ip::tcp::socket socket_;
  std::shared_ptr<ListenerShared> shared_;
  FrameDecoder decoder_;
  ConnectionInfo info_;
  Session session_;
  std::deque<Slot> slots_;  // oldest unanswered-or-unwritten first
  uint64_t next_sequence_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace caudal::kafka
