// Errors that belong to no single module: malformed bytes met by the shared codecs, and the
// generic I/O and argument failures. Every module declares its own enum in the same shape:
//
//   enum class Errc { kSomething = 1, ... };               // 0 is reserved for success
//   const std::error_category& error_category();          // name() is the module's name
//   inline std::error_code make_error_code(Errc e) {...}
//   template <> struct std::is_error_code_enum<caudal::<module>::Errc> : std::true_type {};
//
// and a Status is built as Status(Errc::kSomething, "what was wrong, and where").
#pragma once

#include <system_error>

namespace caudal {

enum class Errc {
  kInvalidArgument = 1,  // a caller passed something that cannot be right
  kTruncated,            // input ended before a complete value
  kMalformed,            // input bytes do not follow the format
  kOutOfRange,           // a number does not fit where it goes
  kIo,                   // the operating system refused an operation
  kNotFound,
  kAlreadyExists,
  kUnavailable,          // try again later (shutting down, resource busy)
};

const std::error_category& common_category();

inline std::error_code make_error_code(Errc e) { return {static_cast<int>(e), common_category()}; }

}  // namespace caudal

template <>
struct std::is_error_code_enum<caudal::Errc> : std::true_type {};
