#include "log/errc.h"

#include <string>

namespace caudal::log {
namespace {

class LogCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "log"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::kCorruptBatch: return "corrupt_batch";
      case Errc::kBatchTooLarge: return "batch_too_large";
      case Errc::kUnsupportedFormat: return "unsupported_format";
      case Errc::kOffsetOutOfRange: return "offset_out_of_range";
      case Errc::kUnknownTopic: return "unknown_topic";
      case Errc::kUnknownPartition: return "unknown_partition";
      case Errc::kTopicExists: return "topic_exists";
      case Errc::kInvalidTopicName: return "invalid_topic_name";
      case Errc::kInvalidConfig: return "invalid_config";
      case Errc::kStorage: return "storage";
      case Errc::kCorruptData: return "corrupt_data";
      case Errc::kTimedOut: return "timed_out";
      case Errc::kClosed: return "closed";
      case Errc::kOutOfOrderSequence: return "out_of_order_sequence";
      case Errc::kInvalidProducerEpoch: return "invalid_producer_epoch";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& error_category() {
  static const LogCategory category;
  return category;
}

}  // namespace caudal::log
