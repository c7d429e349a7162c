// Error codes of the http module: what can be wrong with a request before anything reaches the
// log. See common/errc.h for the pattern; error_mapping.h turns these (and log::Errc) into HTTP
// statuses, in one tested table.
#pragma once

#include <system_error>

namespace caudal::http {

enum class Errc {
  kEmptyBody = 1,         // no body, or a body with no events in it
  kUnsupportedMediaType,  // a Content-Type the route does not read
  kUnsupportedEncoding,   // a Content-Encoding other than identity, gzip or zstd
  kBadEncoding,           // the body is not valid gzip/zstd (truncated, corrupt)
  kBodyTooLarge,          // over max_body_bytes once decoded
  kInvalidJson,           // a JSON syntax error; the message says where
  kInvalidUtf8,           // bytes that are not UTF-8; the message says where
  kEventTooLarge,         // one event is over the topic's max_message_bytes
  kInvalidRequest,        // a malformed parameter or body structure (e.g. a _bulk action line)
  kNotConfigured,         // the API needs something the configuration does not provide
};

const std::error_category& error_category();

inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), error_category()};
}

}  // namespace caudal::http

template <>
struct std::is_error_code_enum<caudal::http::Errc> : std::true_type {};
