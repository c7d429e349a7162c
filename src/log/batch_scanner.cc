#include "log/batch_scanner.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "log/errc.h"

namespace caudal::log {

BatchScanner::BatchScanner(const File& file, uint64_t position, uint64_t limit, Check check,
                           size_t buffer_bytes)
    : file_(file),
      position_(position),
      limit_(limit),
      check_(check),
      buffer_bytes_(std::max(buffer_bytes, kBatchHeaderSize)) {}

Status BatchScanner::corrupt(const std::string& what) const {
  return Status(Errc::kCorruptData,
                fmt::format("{} byte {}: {}", file_.path().string(), position_, what));
}

Result<size_t> BatchScanner::fill(size_t n) {
  uint64_t available_in_file = limit_ - position_;
  size_t want = static_cast<size_t>(std::min<uint64_t>(n, available_in_file));
  uint64_t buffer_end = buffer_start_ + buffer_length_;
  if (position_ >= buffer_start_ && position_ + want <= buffer_end) return want;

  // Refill from position_, reading ahead up to the buffer size to spare system calls.
  size_t read_size =
      static_cast<size_t>(std::min<uint64_t>(std::max(want, buffer_bytes_), available_in_file));
  if (buffer_.size() < read_size) buffer_.resize(read_size);
  size_t kept = 0;
  if (position_ >= buffer_start_ && position_ < buffer_end) {
    // Move the tail already read to the front instead of reading it again.
    kept = static_cast<size_t>(buffer_end - position_);
    std::memmove(buffer_.data(), buffer_.data() + (position_ - buffer_start_), kept);
  }
  buffer_start_ = position_;
  buffer_length_ = kept;
  CAUDAL_ASSIGN_OR_RETURN(
      size_t n_read,
      file_.read_at(position_ + kept, std::span<uint8_t>(buffer_.data() + kept, read_size - kept)));
  buffer_length_ += n_read;
  return std::min(want, buffer_length_);
}

Result<std::optional<ScannedBatch>> BatchScanner::next() {
  if (position_ >= limit_) return std::optional<ScannedBatch>();
  CAUDAL_ASSIGN_OR_RETURN(size_t have, fill(kBatchHeaderSize));
  if (have < kBatchHeaderSize) {
    return corrupt(fmt::format("only {} bytes left before the end, less than a batch header",
                               limit_ - position_));
  }
  const uint8_t* p = buffer_.data() + (position_ - buffer_start_);
  CAUDAL_ASSIGN_OR_RETURN(RecordBatchHeader header,
                          RecordBatchHeader::parse(ByteView(p, kBatchHeaderSize)));
  if (header.magic != 2) {
    return corrupt(fmt::format("magic byte is {}, not 2", header.magic));
  }
  if (header.batch_length < static_cast<int32_t>(kBatchHeaderSize - kBatchLengthPrefix)) {
    return corrupt(
        fmt::format("batch length {} is smaller than a batch header", header.batch_length));
  }
  uint64_t size = header.total_size();
  if (size > limit_ - position_) {
    return corrupt(fmt::format("batch of {} bytes is cut short: only {} bytes follow", size,
                               limit_ - position_));
  }
  ScannedBatch batch{header, position_, ByteView()};
  if (check_ == Check::kFull) {
    CAUDAL_ASSIGN_OR_RETURN(have, fill(size));
    if (have < size) {
      return corrupt(
          fmt::format("batch of {} bytes is cut short: the file ends after {}", size, have));
    }
    batch.bytes = ByteView(buffer_.data() + (position_ - buffer_start_), size);
    auto valid = validate_batch(batch.bytes);
    if (!valid.ok()) return corrupt(valid.status().message());
  }
  position_ += size;
  return std::optional<ScannedBatch>(batch);
}

}  // namespace caudal::log
