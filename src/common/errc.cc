#include "common/errc.h"

#include <string>

namespace caudal {
namespace {

class CommonCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "common"; }
  std::string message(int code) const override {
    switch (static_cast<Errc>(code)) {
      case Errc::kInvalidArgument: return "invalid_argument";
      case Errc::kTruncated: return "truncated";
      case Errc::kMalformed: return "malformed";
      case Errc::kOutOfRange: return "out_of_range";
      case Errc::kIo: return "io";
      case Errc::kNotFound: return "not_found";
      case Errc::kAlreadyExists: return "already_exists";
      case Errc::kUnavailable: return "unavailable";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& common_category() {
  static const CommonCategory category;
  return category;
}

}  // namespace caudal
