#include "kafka/protocol/frame.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "common/check.h"
#include "common/result.h"
#include "kafka/protocol/errc.h"

namespace caudal::kafka {

size_t begin_frame(ByteWriter& out) {
  size_t start = out.size();
  out.grow(kFrameSizePrefix);
  return start;
}

Status end_frame(ByteWriter& out, size_t start) {
  size_t size = out.size() - start - kFrameSizePrefix;
  if (size > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status(Errc::kMalformedFrame,
                  fmt::format("frame of {} bytes is larger than an int32 size can count", size));
  }
  store_be32(out.data() + start, static_cast<uint32_t>(size));
  return Status();
}

std::span<uint8_t> FrameDecoder::read_buffer() {
  if (failed()) return {};
  if (in_payload_) {
    return std::span<uint8_t>(payload_).subspan(payload_filled_);
  }
  return std::span<uint8_t>(prefix_).subspan(prefix_filled_);
}

Status FrameDecoder::commit(size_t n) {
  if (failed()) return status_;
  CAUDAL_CHECK(n <= read_buffer().size(), "FrameDecoder::commit past the end of read_buffer()");
  if (in_payload_) {
    payload_filled_ += n;
    if (payload_filled_ == payload_.size()) finish_payload();
    return Status();
  }
  prefix_filled_ += n;
  if (prefix_filled_ < kFrameSizePrefix) return Status();

  int32_t size = static_cast<int32_t>(load_be32(prefix_.data()));
  if (size < 0) {
    status_ = Status(Errc::kMalformedFrame, fmt::format("frame size {} is negative", size));
    return status_;
  }
  if (static_cast<size_t>(size) > max_frame_size_) {
    status_ =
        Status(Errc::kMalformedFrame,
               fmt::format("frame size {} is over the maximum of {} bytes", size, max_frame_size_));
    return status_;
  }
  prefix_filled_ = 0;
  in_payload_ = true;
  payload_.resize(static_cast<size_t>(size));
  payload_filled_ = 0;
  if (size == 0) finish_payload();
  return Status();
}

Status FrameDecoder::feed(ByteView data) {
  while (!data.empty()) {
    std::span<uint8_t> target = read_buffer();
    if (target.empty()) return status_;
    size_t n = std::min(target.size(), data.size());
    std::memcpy(target.data(), data.data(), n);
    data = data.subspan(n);
    CAUDAL_RETURN_IF_ERROR(commit(n));
  }
  return status_;
}

std::optional<Bytes> FrameDecoder::next_frame() {
  if (ready_.empty()) return std::nullopt;
  Bytes frame = std::move(ready_.front());
  ready_.pop_front();
  return frame;
}

size_t FrameDecoder::bytes_pending() const {
  if (in_payload_) return payload_.size() - payload_filled_;
  return prefix_filled_ == 0 ? 0 : kFrameSizePrefix - prefix_filled_;
}

void FrameDecoder::finish_payload() {
  ready_.push_back(std::move(payload_));
  payload_ = Bytes();
  payload_filled_ = 0;
  in_payload_ = false;
}

}  // namespace caudal::kafka
