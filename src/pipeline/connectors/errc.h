// Error codes of the connectors (see common/errc.h for the pattern). A transport's transient
// failures are kUnavailable (retried); kRejected is a permanent refusal of one event (its
// message is the dead-letter reason).
#pragma once

#include <system_error>

namespace caudal::pipeline::connectors {

enum class ConnectorErrc {
  kInvalidOption = 1,  // an option's value is wrong; the message says which and why
  kUnavailable,        // the destination cannot be reached or failed for now: retried
  kRejected,           // the destination refused the event for good: dead-lettered
  kIo,                 // a local file or directory could not be written
  kClosed,             // the sink closed before the batch was delivered
};

const std::error_category& connector_error_category();

inline std::error_code make_error_code(ConnectorErrc e) {
  return {static_cast<int>(e), connector_error_category()};
}

}  // namespace caudal::pipeline::connectors

template <>
struct std::is_error_code_enum<caudal::pipeline::connectors::ConnectorErrc> : std::true_type {};
