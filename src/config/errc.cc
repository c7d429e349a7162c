#include "config/errc.h"

#include <string>

namespace caudal::config {
namespace {

class ConfigCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "config"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::kInvalid: return "invalid";
      case Errc::kNotFound: return "not_found";
      case Errc::kIo: return "io";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& error_category() {
  static const ConfigCategory category;
  return category;
}

}  // namespace caudal::config
