#include "kafka/handlers/error_mapping.h"

#include <array>
#include <utility>

#include "log/errc.h"

namespace caudal::kafka {
namespace {

// Every log::Errc, with the code a Kafka client expects for it (the brief's §6 table).
constexpr std::array<std::pair<log::Errc, ErrorCode>, 15> kLogErrors = {{
    {log::Errc::kCorruptBatch, ErrorCode::kCorruptMessage},
    {log::Errc::kBatchTooLarge, ErrorCode::kMessageTooLarge},
    // Magic 0/1 or an unknown codec: Kafka's answer for a structurally refused batch.
    {log::Errc::kUnsupportedFormat, ErrorCode::kInvalidRecord},
    {log::Errc::kOffsetOutOfRange, ErrorCode::kOffsetOutOfRange},
    {log::Errc::kUnknownTopic, ErrorCode::kUnknownTopicOrPartition},
    {log::Errc::kUnknownPartition, ErrorCode::kUnknownTopicOrPartition},
    {log::Errc::kTopicExists, ErrorCode::kTopicAlreadyExists},
    {log::Errc::kInvalidTopicName, ErrorCode::kInvalidTopicException},
    {log::Errc::kInvalidConfig, ErrorCode::kInvalidConfig},
    {log::Errc::kStorage, ErrorCode::kKafkaStorageError},
    {log::Errc::kCorruptData, ErrorCode::kKafkaStorageError},
    {log::Errc::kTimedOut, ErrorCode::kRequestTimedOut},
    // A closed partition (shutdown, or its topic was deleted): retriable, the client refreshes
    // its metadata and tries again.
    {log::Errc::kClosed, ErrorCode::kNotLeaderOrFollower},
    {log::Errc::kOutOfOrderSequence, ErrorCode::kOutOfOrderSequenceNumber},
    {log::Errc::kInvalidProducerEpoch, ErrorCode::kInvalidProducerEpoch},
}};

bool knows_storage_error(ApiKey api, int16_t version) {
  if (api == ApiKey::kProduce) return version >= 4;
  if (api == ApiKey::kFetch) return version >= 6;
  return true;
}

}  // namespace

ErrorCode to_error_code(const Status& status, ApiKey api, int16_t version) {
  if (status.ok()) return ErrorCode::kNone;
  ErrorCode code = ErrorCode::kUnknownServerError;
  if (status.code().category() == log::error_category()) {
    for (const auto& [errc, mapped] : kLogErrors) {
      if (status.code() == errc) code = mapped;
    }
  }
  if (code == ErrorCode::kKafkaStorageError && !knows_storage_error(api, version)) {
    code = ErrorCode::kNotLeaderOrFollower;
  }
  return code;
}

}  // namespace caudal::kafka
