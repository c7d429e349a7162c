#include "log/producer_state.h"

#include <limits>

#include <fmt/format.h>

#include "log/batch_scanner.h"
#include "log/errc.h"

namespace caudal::log {
namespace {

constexpr int64_t kMaxSequence = std::numeric_limits<int32_t>::max();

// Sequences wrap from INT32_MAX to 0, as in Kafka's DefaultRecordBatch.
int32_t last_sequence(const RecordBatchHeader& header) {
  int64_t last = int64_t{header.base_sequence} + header.last_offset_delta;
  if (last > kMaxSequence) last -= kMaxSequence + 1;
  return static_cast<int32_t>(last);
}

bool follows(int32_t last, int32_t next) {
  return int64_t{next} == int64_t{last} + 1 || (last == kMaxSequence && next == 0);
}

}  // namespace

Result<SequenceCheck> ProducerStateTable::check(const RecordBatchHeader& header) const {
  SequenceCheck out;
  if (header.producer_id < 0) return out;
  if (header.base_sequence < 0) {
    return Status(
        Errc::kUnsupportedFormat,
        fmt::format("batch of producer id {} has no base sequence (-1)", header.producer_id));
  }
  auto it = producers_.find(header.producer_id);
  if (it == producers_.end()) return out;
  const Producer& producer = it->second;
  int32_t first = header.base_sequence;
  int32_t last = last_sequence(header);
  if (header.producer_epoch < producer.epoch) {
    return Status(Errc::kInvalidProducerEpoch,
                  fmt::format("producer id {} epoch {} is older than its current epoch {}",
                              header.producer_id, header.producer_epoch, producer.epoch));
  }
  if (header.producer_epoch > producer.epoch) {
    if (first != 0) {
      return Status(Errc::kOutOfOrderSequence,
                    fmt::format("producer id {} new epoch {} starts at sequence {}, not 0",
                                header.producer_id, header.producer_epoch, first));
    }
    return out;
  }
  for (size_t i = 0; i < producer.count; ++i) {
    const ProducerBatch& b = producer.batches[(producer.oldest + i) % kRetainedBatches];
    if (b.first_sequence == first && b.last_sequence == last) {
      out.kind = SequenceCheck::Kind::kDuplicate;
      out.original = b;
      return out;
    }
  }
  int32_t expected_after = producer.newest().last_sequence;
  if (!follows(expected_after, first)) {
    return Status(
        Errc::kOutOfOrderSequence,
        fmt::format("producer id {} epoch {}: batch of sequences {}..{} does not follow "
                    "the last stored sequence {}",
                    header.producer_id, header.producer_epoch, first, last, expected_after));
  }
  return out;
}

void ProducerStateTable::record(const RecordBatchHeader& header, Offset base_offset) {
  if (header.producer_id < 0) return;
  Producer& producer = producers_[header.producer_id];
  if (header.producer_epoch != producer.epoch) {
    producer.epoch = header.producer_epoch;
    producer.count = 0;
    producer.oldest = 0;
  }
  ProducerBatch batch{header.base_sequence, last_sequence(header), base_offset,
                      Offset(base_offset.value() + header.last_offset_delta)};
  if (producer.count < kRetainedBatches) {
    producer.batches[(producer.oldest + producer.count) % kRetainedBatches] = batch;
    ++producer.count;
  } else {
    producer.batches[producer.oldest] = batch;
    producer.oldest = (producer.oldest + 1) % kRetainedBatches;
  }
}

ProducerStateTable rebuild_producer_state(const std::vector<std::shared_ptr<Segment>>& segments,
                                          uint64_t scan_bytes, std::vector<std::string>* notes) {
  ProducerStateTable table;
  if (segments.empty()) return table;
  // The oldest segment the scan reaches, and how far into it.
  size_t first = segments.size() - 1;
  uint64_t remaining = scan_bytes;
  while (first > 0 && segments[first]->written_size() < remaining) {
    remaining -= segments[first]->written_size();
    --first;
  }
  for (size_t i = first; i < segments.size(); ++i) {
    const Segment& segment = *segments[i];
    uint64_t from = 0;
    if (i == first && segment.written_size() > remaining) {
      from = segment.index().floor_position(segment.written_size() - remaining).position;
    }
    // Only the headers are wanted: a buffer that holds many small batches but does not read
    // all of large ones.
    BatchScanner scanner(*segment.file(), from, segment.written_size(),
                         BatchScanner::Check::kFraming, size_t{64} << 10);
    while (true) {
      auto batch = scanner.next();
      if (!batch.ok()) {
        if (notes != nullptr) {
          notes->push_back(fmt::format("{}: idempotent producer state not rebuilt past byte {}: {}",
                                       Segment::log_file_name(segment.base_offset()),
                                       scanner.position(), batch.status().message()));
        }
        break;
      }
      if (!batch->has_value()) break;
      const RecordBatchHeader& header = (*batch)->header;
      table.record(header, Offset(header.base_offset));
    }
  }
  return table;
}

}  // namespace caudal::log
