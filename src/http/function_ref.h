// FunctionRef: a non-owning reference to a callable, for "call this back while I run"
// parameters. Unlike std::function it never allocates and never copies the callable, so a
// lambda capturing a handful of references costs nothing per call site on hot paths.
// The callable must outlive every call: never store a FunctionRef beyond the call that got it.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace caudal::http {

template <typename Signature>
class FunctionRef;

template <typename Return, typename... Args>
class FunctionRef<Return(Args...)> {
 public:
  template <typename Callable>
    requires(!std::is_same_v<std::remove_cvref_t<Callable>, FunctionRef> &&
             std::is_invocable_r_v<Return, Callable&, Args...>)
  FunctionRef(Callable&& callable)  // NOLINT(google-explicit-constructor): used like a lambda
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
        call_([](void* object, Args... args) -> Return {
          return (*static_cast<std::remove_reference_t<Callable>*>(object))(
              std::forward<Args>(args)...);
        }) {}

  Return operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

 private:
  void* object_;
  Return (*call_)(void*, Args...);
};

}  // namespace caudal::http
