// Kafka's framing: every request and response is an int32 big-endian size followed by that many
// bytes. FrameDecoder cuts a connection's byte stream into frames, refusing a bad size before
// allocating anything for it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>

#include "common/byte_writer.h"
#include "common/bytes.h"
#include "common/status.h"

namespace caudal::kafka {

inline constexpr size_t kFrameSizePrefix = 4;
// Kafka's socket.request.max.bytes default.
inline constexpr size_t kDefaultMaxFrameSize = size_t{100} * 1024 * 1024;

// Starts a frame at the end of `out` by reserving its size prefix; returns where it starts.
size_t begin_frame(ByteWriter& out);
// Writes the size of the frame begun at `start`. Fails (kafka::Errc::kMalformedFrame) if the
// frame is larger than an int32 can count.
Status end_frame(ByteWriter& out, size_t start);

// Cuts one connection's byte stream into frame payloads. Owned by the connection; not
// thread-safe. Once it fails it stays failed: after a bad size the stream cannot be trusted to
// resynchronize, so the connection must be closed.
//
// Two ways to use it: a socket reads straight into read_buffer() and reports with commit(), so
// payload bytes are written once, into the buffer that becomes the frame; or a caller with
// bytes already in hand passes them to feed(), which copies them in.
class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame_size = kDefaultMaxFrameSize)
      : max_frame_size_(max_frame_size) {}

  // Where the next read should put bytes: the rest of the 4-byte size prefix, or the rest of the
  // current frame's payload. Empty once failed. Valid until the next commit() or feed().
  std::span<uint8_t> read_buffer();
  // Records that the first n bytes of read_buffer() were filled (n <= its size). When that
  // completes a size prefix, the size is checked (negative, or over the maximum, fails) before
  // the payload buffer is allocated; when it completes a payload, the frame becomes available
  // from next_frame().
  Status commit(size_t n);
  // Copies `data` in, completing as many frames as it holds.
  Status feed(ByteView data);

  // The oldest complete frame's payload (without its size prefix), if any.
  std::optional<Bytes> next_frame();

  bool failed() const { return !status_.ok(); }
  const Status& status() const { return status_; }
  // Bytes still missing from what is being read: the rest of a started size prefix, or the rest
  // of the current payload. 0 between frames, so a connection closing with a non-zero value
  // was cut mid-frame.
  size_t bytes_pending() const;

 private:
  void finish_payload();

  size_t max_frame_size_;
  std::array<uint8_t, kFrameSizePrefix> prefix_{};
  size_t prefix_filled_ = 0;
  bool in_payload_ = false;
  Bytes payload_;
  size_t payload_filled_ = 0;
  std::deque<Bytes> ready_;
  Status status_;
};

}  // namespace caudal::kafka
