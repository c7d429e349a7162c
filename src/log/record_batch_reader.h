// RecordBatchReader iterates the records of one stored Kafka v2 batch, of any codec.
// Format: docs/record-batches.md.
//
// The input is untrusted below its header. The reader expects a batch that has passed
// validate_batch() (magic, lengths, record count, CRC) and assumes nothing else: it checks
// every length against the bytes that remain, rejects negative lengths other than -1 (null),
// varints longer than their type allows, a record whose fields do not fill exactly its declared
// length, offset deltas other than 0..n-1, fewer records than the header counts, and bytes
// left over after the last record. Each error is Errc::kCorruptBatch and names the record
// index and the byte position in the (decompressed) records region. A compressed batch is
// decompressed whole on reset(), up to a cap on the decompressed size (kBatchTooLarge beyond).
//
// Lifetime of what next() returns: the Record itself is the reader's and is overwritten by the
// next call to next(). Its key, value and headers are views into the input batch
// (uncompressed) or into the reader's own decompression buffer (compressed); those stay valid
// while both the input bytes and the reader live, until the next reset(), so a caller may
// copy the Record and keep the copy that long.
//
// One owner, one thread. A reader can be reused for batch after batch; its decompression
// buffer and codec contexts are kept, so steady-state reading does not allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "log/compression.h"
#include "log/record.h"
#include "log/record_batch_header.h"

namespace caudal::log {

class RecordBatchReader {
 public:
  explicit RecordBatchReader(size_t max_decompressed_bytes = kDefaultMaxDecompressedBytes);

  // Starts reading `batch`, which must stay alive while its records are in use. Parses the
  // header and decompresses the records region if the batch is compressed; a failure here
  // (kCorruptBatch, kBatchTooLarge, kUnsupportedFormat) leaves the reader with no batch.
  Status reset(ByteView batch);

  // The header of the current batch. Precondition: the last reset() succeeded.
  const RecordBatchHeader& header() const { return header_; }

  // The next record, or nullptr after the last one (at which point trailing bytes are
  // reported as an error). After an error, every later call returns the same error.
  //
  //   for (;;) {
  //     CAUDAL_ASSIGN_OR_RETURN(const Record* record, reader.next());
  //     if (record == nullptr) break;
  //     ...
  //   }
  Result<const Record*> next();

  // Records returned so far from the current batch.
  int32_t records_read() const { return index_; }

 private:
  Status corrupt(size_t position, std::string_view what);

  size_t max_decompressed_bytes_;
  Decompressor decompressor_;
  Bytes decompressed_;

  RecordBatchHeader header_;
  // The records region being read: inside the input batch, or decompressed_.
  ByteView records_;
  bool compressed_ = false;
  size_t position_ = 0;
  int32_t index_ = 0;
  Record record_;
  Status error_;
};

}  // namespace caudal::log
