// Error codes of events: JSON that cannot become an event, paths that do not parse, writes
// that cannot be done. See common/errc.h for the pattern; the pipeline runtime dead-letters an
// event with the Status message as the reason.
#pragma once

#include <system_error>

namespace caudal::pipeline {

enum class EventErrc {
  kInvalidJson = 1,  // not JSON, or not UTF-8; the message says where
  kNotAnObject,      // valid JSON whose top level is not an object
  kTooDeep,          // nested deeper than the event depth limit
  kInvalidPath,      // a field path with a syntax error; the message says where
  kCannotSet,        // set/rename through a value that is not an object, or an index out of range
};

const std::error_category& event_error_category();

inline std::error_code make_error_code(EventErrc e) {
  return {static_cast<int>(e), event_error_category()};
}

}  // namespace caudal::pipeline

template <>
struct std::is_error_code_enum<caudal::pipeline::EventErrc> : std::true_type {};
