#include "http/errc.h"

#include <string>

namespace caudal::http {
namespace {

class HttpCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "http"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::kEmptyBody: return "empty_body";
      case Errc::kUnsupportedMediaType: return "unsupported_media_type";
      case Errc::kUnsupportedEncoding: return "unsupported_encoding";
      case Errc::kBadEncoding: return "bad_encoding";
      case Errc::kBodyTooLarge: return "body_too_large";
      case Errc::kInvalidJson: return "invalid_json";
      case Errc::kInvalidUtf8: return "invalid_utf8";
      case Errc::kEventTooLarge: return "event_too_large";
      case Errc::kInvalidRequest: return "invalid_request";
      case Errc::kNotConfigured: return "not_configured";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& error_category() {
  static const HttpCategory category;
  return category;
}

}  // namespace caudal::http
