// libFuzzer target for what the Kafka listener does with a produced batch before storing it:
// log::validate_batch() on the bytes as received, and the same bytes with their CRC resealed (so
// mutations reach the structural checks behind the CRC instead of all failing on it). A batch
// that validates must satisfy what validation promises (one whole v2 batch, consistent counts,
// a CRC that matches), and reading its records (decompressing it, with the default cap) must end
// in records or an error, never a crash or a read outside the input.
//
// Seeds: corpus/batch_validator/, v2 batches of every codec (see fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/check.h"
#include "log/record_batch_header.h"
#include "log/record_batch_reader.h"

namespace caudal::log {
namespace {

void check_valid(ByteView batch) {
  Result<RecordBatchHeader> header = validate_batch(batch);
  if (!header.ok()) return;
  CAUDAL_CHECK(header->magic == 2, "validated a batch whose magic is not 2");
  CAUDAL_CHECK(header->total_size() == batch.size(), "validated a batch of the wrong length");
  CAUDAL_CHECK(header->record_count == header->last_offset_delta + 1,
               "validated a batch whose record count does not match its offsets");
  CAUDAL_CHECK(!header->control(), "validated a control batch");
  Bytes resealed(batch.begin(), batch.end());
  seal_batch_crc(resealed.data(), resealed.size());
  CAUDAL_CHECK(Bytes(batch.begin(), batch.end()) == resealed,
               "validated a batch whose CRC does not match its bytes");

  RecordBatchReader reader;
  if (!reader.reset(batch).ok()) return;
  for (int32_t i = 0; i <= header->record_count; ++i) {
    Result<const Record*> record = reader.next();
    if (!record.ok() || *record == nullptr) return;
    CAUDAL_CHECK(i < header->record_count, "read more records than the header counts");
  }
}

}  // namespace
}  // namespace caudal::log

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace caudal;
  ByteView input(data, size);
  log::check_valid(input);
  if (size >= log::kBatchHeaderSize) {
    Bytes resealed(input.begin(), input.end());
    log::seal_batch_crc(resealed.data(), resealed.size());
    log::check_valid(resealed);
  }
  return 0;
}
