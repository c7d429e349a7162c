// Shared by the storage tests (segments, partitions, recovery, the topic registry): a
// temporary directory, and v2 batches with known content. Batches carry an opaque records
// region: the storage engine never looks inside one, it only checks the header and the CRC.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/bytes.h"
#include "log/record_batch_header.h"

namespace caudal::log::testing {

// A fresh directory under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "caudal-log-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A valid v2 batch of `records` records and `body_bytes` of records region filled from
// `seed`, as a producer sends it (base offset 0, leader epoch -1), timestamps `timestamp`.
inline Bytes make_batch(int32_t records, size_t body_bytes, uint32_t seed,
                        int64_t timestamp = 1'700'000'000'000) {
  Bytes batch(kBatchHeaderSize + body_bytes);
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = kBatchHeaderSize; i < batch.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    batch[i] = static_cast<uint8_t>(x);
  }
  RecordBatchHeader h;
  h.batch_length = static_cast<int32_t>(batch.size() - kBatchLengthPrefix);
  h.partition_leader_epoch = -1;
  h.last_offset_delta = records - 1;
  h.record_count = records;
  h.base_timestamp = timestamp;
  h.max_timestamp = timestamp;
  h.encode(batch.data());
  seal_batch_crc(batch.data(), batch.size());
  return batch;
}

// make_batch() from an idempotent producer: `producer_id`, `epoch` and `first_sequence` set.
inline Bytes make_producer_batch(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                                 int32_t records, uint32_t seed) {
  Bytes batch = make_batch(records, 64, seed);
  auto h = RecordBatchHeader::parse(batch);
  h->producer_id = producer_id;
  h->producer_epoch = epoch;
  h->base_sequence = first_sequence;
  h->encode(batch.data());
  seal_batch_crc(batch.data(), batch.size());
  return batch;
}

// `batch` as the log stores and returns it: base offset assigned, leader epoch 0.
inline Bytes as_stored(Bytes batch, int64_t base_offset) {
  set_batch_base_offset(batch.data(), base_offset);
  set_batch_partition_leader_epoch(batch.data(), 0);
  return batch;
}

// Splits concatenated batches into their (base offset, bytes) pieces.
inline std::vector<std::pair<int64_t, Bytes>> split_batches(ByteView bytes) {
  std::vector<std::pair<int64_t, Bytes>> out;
  while (bytes.size() >= kBatchHeaderSize) {
    auto h = RecordBatchHeader::parse(bytes);
    size_t size = h->total_size();
    out.emplace_back(h->base_offset, Bytes(bytes.begin(), bytes.begin() + size));
    bytes = bytes.subspan(size);
  }
  return out;
}

}  // namespace caudal::log::testing
