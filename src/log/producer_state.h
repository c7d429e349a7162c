// Per-partition idempotence state: for each producer id seen in the partition's recent batches,
// its epoch and the last kRetainedBatches batches it wrote (first sequence, last sequence,
// offsets). The partition consults it under its append mutex, so the check and the append of a
// batch are one atomic step (two connections retrying the same batch cannot both store it).
// Rules, from Kafka's ProducerStateManager (2.5+): docs/log-format.md §Idempotent producers.
//
// Batches without a producer id (-1) are never checked. A producer the table does not know
// (new, or whose batches are older than the part of the log rebuild_producer_state() scans)
// is accepted at any sequence, as Kafka 2.5+ accepts producers whose state retention removed.
//
// Not thread-safe: one owner (the partition), calls serialized by the caller.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "log/record_batch_header.h"
#include "log/segment.h"
#include "log/types.h"

namespace caudal::log {

// One batch a producer wrote, as the table remembers it.
struct ProducerBatch {
  int32_t first_sequence = 0;
  int32_t last_sequence = 0;
  Offset base_offset;
  Offset last_offset;
};

// What to do with a batch.
struct SequenceCheck {
  enum class Kind {
    kAppend,     // store it (new, in sequence, or no producer id)
    kDuplicate,  // already stored: answer with `original`, store nothing
  };
  Kind kind = Kind::kAppend;
  ProducerBatch original;  // kDuplicate only
};

class ProducerStateTable {
 public:
  // Kafka's limit of in-flight requests per idempotent producer, and the number of batches it
  // remembers per producer for duplicate detection.
  static constexpr size_t kRetainedBatches = 5;

  // Judges `header` (a validated batch) against the state. Errors, with a message naming the
  // producer, its epoch and the sequences involved:
  //   kInvalidProducerEpoch  the batch's epoch is older than the producer's current one
  //   kOutOfOrderSequence    a gap or overlap in the sequence, or a new epoch not starting at 0
  //   kUnsupportedFormat     a producer id with no base sequence (-1)
  Result<SequenceCheck> check(const RecordBatchHeader& header) const;
  // Records a batch stored at [base_offset, base_offset + last_offset_delta]; a batch without a
  // producer id is ignored. A newer epoch replaces the producer's remembered batches.
  void record(const RecordBatchHeader& header, Offset base_offset);

  size_t producer_count() const { return producers_.size(); }

 private:
  struct Producer {
    int16_t epoch = -1;
    // A ring of the newest batches, oldest first from `oldest`.
    std::array<ProducerBatch, kRetainedBatches> batches;
    size_t count = 0;
    size_t oldest = 0;
    const ProducerBatch& newest() const { return batches[(oldest + count - 1) % kRetainedBatches]; }
  };

  std::unordered_map<int64_t, Producer> producers_;
};

// How much of the newest end of a partition's log rebuild_producer_state() reads at open.
// A producer retries only batches it has no answer for, which were at most a few requests
// before the log's end when the broker went down; 64 MiB is far more than that.
inline constexpr uint64_t kProducerStateScanBytes = uint64_t{64} << 20;

// Rebuilds the table from the batch headers in the last `scan_bytes` of `segments` (in offset
// order, as recovery returns them), from the index point at or before that mark to each
// segment's written size: headers only, nothing decompressed. Recovery has already cut a torn
// tail, so a header that cannot be read is damage at rest: the scan of that segment stops there,
// a line saying so goes to `notes`, and the partition still opens (a retry of a batch past the
// damage may then be stored twice).
ProducerStateTable rebuild_producer_state(const std::vector<std::shared_ptr<Segment>>& segments,
                                          uint64_t scan_bytes, std::vector<std::string>* notes);

}  // namespace caudal::log
