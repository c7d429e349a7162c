#include "common/status.h"

#include <fmt/format.h>

namespace caudal {

std::string Status::to_string() const {
  if (ok()) {
    return "ok";
  }
  return fmt::format("{}.{}: {}", code_.category().name(), code_.message(), message_);
}

Status Status::with_context(std::string_view context) const {
  if (ok()) {
    return *this;
  }
  return Status(code_, fmt::format("{}: {}", context, message_));
}

}  // namespace caudal
