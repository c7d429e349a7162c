#include "pipeline/connectors/errc.h"

#include <string>

namespace caudal::pipeline::connectors {
namespace {

class ConnectorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "connector"; }
  std::string message(int code) const override {
    switch (static_cast<ConnectorErrc>(code)) {
      case ConnectorErrc::kInvalidOption: return "invalid_option";
      case ConnectorErrc::kUnavailable: return "unavailable";
      case ConnectorErrc::kRejected: return "rejected";
      case ConnectorErrc::kIo: return "io";
      case ConnectorErrc::kClosed: return "closed";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& connector_error_category() {
  static const ConnectorCategory category;
  return category;
}

}  // namespace caudal::pipeline::connectors
