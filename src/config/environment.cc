#include "config/environment.h"

#include <cstdlib>

namespace caudal::config {

std::optional<std::string> ProcessEnvironment::get(std::string_view name) const {
  const std::string name_z(name);  // getenv needs a terminated string
  const char* value = std::getenv(name_z.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> MapEnvironment::get(std::string_view name) const {
  auto it = variables_.find(name);
  if (it == variables_.end()) return std::nullopt;
  return it->second;
}

}  // namespace caudal::config
