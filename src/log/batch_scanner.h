// BatchScanner walks the stored batches of one segment file in order, from a batch boundary to
// a limit, through a read buffer, checking each batch as it goes. Recovery uses it to check the
// unflushed tail and to rebuild indexes; reads use it to find batch boundaries.
//
// One owner, one thread. The File must outlive the scanner.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.h"
#include "common/file_system.h"
#include "common/result.h"
#include "log/record_batch_header.h"

namespace caudal::log {

struct ScannedBatch {
  RecordBatchHeader header;
  uint64_t position = 0;
  // The whole batch (Check::kFull only; empty otherwise). Valid until the next call to next().
  ByteView bytes;
};

class BatchScanner {
 public:
  enum class Check {
    // Length and magic only, reading just the headers: for bytes already known to be good.
    kFraming,
    // Everything validate_batch() checks, CRC included, reading every byte.
    kFull,
  };

  static constexpr size_t kDefaultBufferBytes = size_t{256} * 1024;

  BatchScanner(const File& file, uint64_t position, uint64_t limit, Check check,
               size_t buffer_bytes = kDefaultBufferBytes);

  // The next batch; nullopt when the scan reached `limit` exactly. A log::Errc::kCorruptData
  // error when the bytes at position() are not one whole valid batch (cut short by `limit`,
  // bad length or magic, or with kFull a CRC or count mismatch); the message names the file
  // and byte position. A read error from the file is passed through unchanged. After an
  // error, position() stays at the bad batch.
  Result<std::optional<ScannedBatch>> next();

  // Where the next batch starts.
  uint64_t position() const { return position_; }

 private:
  // Makes file bytes [position_, position_ + n) available in the buffer, or as many of them as
  // exist before `limit_`; returns how many are available.
  Result<size_t> fill(size_t n);
  Status corrupt(const std::string& what) const;

  const File& file_;
  uint64_t position_;
  uint64_t limit_;
  Check check_;
  size_t buffer_bytes_;
  Bytes buffer_;
  uint64_t buffer_start_ = 0;  // file position of buffer_[0]
  size_t buffer_length_ = 0;   // valid bytes in buffer_
};

}  // namespace caudal::log
