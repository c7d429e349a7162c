// The error model shared by every module. See src/common/README.md.
//
// Expected failures (bad input, I/O errors, protocol errors) travel as values: a Status, or a
// Result<T> that holds either a T or a failed Status. Each module declares its own
// `enum class Errc` with a std::error_category (see errc.h for the pattern), so a code names
// the module it came from and callers can test for a specific condition without parsing text.
// Nothing here throws; exceptions never cross a module boundary.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace caudal {

class [[nodiscard]] Status {
 public:
  // An OK status: no code, no message.
  Status() = default;
  Status(std::error_code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return !code_; }
  explicit operator bool() const { return ok(); }

  std::error_code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "<category>.<code name>: <message>", or "ok". Stable enough for logs and error bodies.
  std::string to_string() const;

  // Returns a copy whose message is prefixed with `context` and ": ". Used as errors travel up
  // through layers that know more about where the failure happened.
  Status with_context(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) = default;

 private:
  std::error_code code_;
  std::string message_;
};

}  // namespace caudal
