// Error codes of the log module. See common/errc.h for the pattern; kafka/ maps these to Kafka
// error codes and http/ to HTTP statuses, each in one tested table.
#pragma once

#include <system_error>

namespace caudal::log {

enum class Errc {
  kCorruptBatch = 1,     // a batch's bytes are not a valid v2 batch (CRC, magic, lengths, count)
  kBatchTooLarge,        // over the topic's max_message_bytes
  kUnsupportedFormat,    // magic 0/1 or an unknown compression codec
  kOffsetOutOfRange,     // below the log start offset or above the end
  kUnknownTopic,
  kUnknownPartition,
  kTopicExists,
  kInvalidTopicName,
  kInvalidConfig,        // a topic setting outside its allowed range
  kStorage,              // the disk refused (ENOSPC, EIO); nothing half written is visible
  kCorruptData,          // stored bytes failed their CRC on read
  kTimedOut,
  kClosed,               // the log is shutting down
  // Idempotent producers (producer_state.h).
  kOutOfOrderSequence,   // a batch's sequence does not follow the producer's last one
  kInvalidProducerEpoch, // a batch from an older epoch of its producer id (fenced)
};

const std::error_category& error_category();

inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), error_category()}; }

}  // namespace caudal::log

template <>
struct std::is_error_code_enum<caudal::log::Errc> : std::true_type {};
