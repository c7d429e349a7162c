// Error codes of the kafka module, for failures inside Caudal (a frame or message that cannot be
// decoded, an API Caudal does not serve). They are not the codes sent to Kafka clients: those
// are kafka::ErrorCode (error_code.h). See common/errc.h for the pattern.
#pragma once

#include <system_error>

namespace caudal::kafka {

enum class Errc {
  kMalformedFrame = 1,  // a size prefix that is negative or over the configured maximum
  kMalformedMessage,    // bytes that do not follow the message's layout for its version
  kUnsupportedApi,      // an API key Caudal does not implement
  kUnsupportedVersion,  // a version outside the range Caudal advertises for the API
  kEncodeFailed,        // a value that the requested version cannot carry (too long, null)
};

const std::error_category& error_category();

inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), error_category()};
}

}  // namespace caudal::kafka

template <>
struct std::is_error_code_enum<caudal::kafka::Errc> : std::true_type {};
