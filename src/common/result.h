// Result<T>: a T, or the Status that explains why there is none. See status.h.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "common/check.h"
#include "common/status.h"

namespace caudal {

template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Status>, "use Status directly");

 public:
  // Implicit on purpose: `return value;` and `return status;` both read naturally.
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Status status) : state_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    CAUDAL_CHECK(!std::get<1>(state_).ok(), "a Result built from a Status must hold an error");
  }

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Accessing the value of a failed result is a programming error and stops the process.
  T& value() & {
    check_ok();
    return std::get<0>(state_);
  }
  const T& value() const& {
    check_ok();
    return std::get<0>(state_);
  }
  T&& value() && {
    check_ok();
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The failure; an OK Status when the result holds a value.
  Status status() const { return ok() ? Status() : std::get<1>(state_); }

  T value_or(T fallback) const& { return ok() ? std::get<0>(state_) : std::move(fallback); }

 private:
  void check_ok() const {
    CAUDAL_CHECK(ok(), "value() of a failed Result: " + std::get<1>(state_).to_string());
  }

  std::variant<T, Status> state_;
};

}  // namespace caudal

// Propagation helpers. Macros because only a macro can `return` from the caller.
#define CAUDAL_CONCAT_INNER(a, b) a##b
#define CAUDAL_CONCAT(a, b) CAUDAL_CONCAT_INNER(a, b)

// Evaluates a Status expression and returns it from the enclosing function when it failed.
#define CAUDAL_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::caudal::Status caudal_status_ = (expr);     \
    if (!caudal_status_.ok()) return caudal_status_; \
  } while (false)

// `CAUDAL_ASSIGN_OR_RETURN(auto x, f());` declares x from a Result, or returns its Status.
#define CAUDAL_ASSIGN_OR_RETURN(lhs, expr) \
  CAUDAL_ASSIGN_OR_RETURN_IMPL(CAUDAL_CONCAT(caudal_result_, __LINE__), lhs, expr)
#define CAUDAL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
