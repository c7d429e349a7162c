// CAUDAL_CHECK: an always-on invariant check. A failed check is a bug, never bad input: it
// prints where and why, then aborts (so a core dump or sanitizer report shows the stack).
// Untrusted input must be refused with a Status instead.
#pragma once

#include <string_view>

namespace caudal {
[[noreturn]] void check_failed(const char* file, int line, const char* condition,
                               std::string_view message);
}  // namespace caudal

#define CAUDAL_CHECK(condition, message)                                  \
  do {                                                                    \
    if (!(condition)) [[unlikely]] {                                      \
      ::caudal::check_failed(__FILE__, __LINE__, #condition, (message));  \
    }                                                                     \
  } while (false)
