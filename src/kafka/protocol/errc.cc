#include "kafka/protocol/errc.h"

#include <string>

namespace caudal::kafka {
namespace {

class KafkaCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kafka"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::kMalformedFrame: return "malformed_frame";
      case Errc::kMalformedMessage: return "malformed_message";
      case Errc::kUnsupportedApi: return "unsupported_api";
      case Errc::kUnsupportedVersion: return "unsupported_version";
      case Errc::kEncodeFailed: return "encode_failed";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& error_category() {
  static const KafkaCategory category;
  return category;
}

}  // namespace caudal::kafka
