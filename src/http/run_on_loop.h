// run_on_loop: runs a continuation on an event loop's thread, at once when the caller already is
// that thread. This is what boost::asio::dispatch() does, but dispatch() through an
// any_io_executor first type-erases the function (an allocation and several indirect calls)
// even when it then runs it inline; the ingest path crosses this point twice per request, and
// nearly always from the loop's own thread.
#pragma once

#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace caudal::http {

template <typename Function>
void run_on_loop(const boost::asio::any_io_executor& loop, Function&& function) {
  const auto* context = loop.target<boost::asio::io_context::executor_type>();
  if (context != nullptr && context->running_in_this_thread()) {
    std::forward<Function>(function)();
    return;
  }
  boost::asio::post(loop, std::forward<Function>(function));
}

}  // namespace caudal::http
