// Error codes of the config module. See common/errc.h for the pattern.
#pragma once

#include <system_error>

namespace caudal::config {

enum class Errc {
  kInvalid = 1,  // the file is not a valid configuration; the message lists every problem
  kNotFound,     // the configuration file does not exist
  kIo,           // the file exists but could not be read
};

const std::error_category& error_category();

inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), error_category()};
}

}  // namespace caudal::config

template <>
struct std::is_error_code_enum<caudal::config::Errc> : std::true_type {};
