// EventLoops: the process's fixed set of network threads, one Boost.Asio io_context each
// (DESIGN.md, Threading). Listeners pin every connection to one loop, so per-connection state
// is touched by one thread only. Blocking work never runs here.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace caudal::server {

class EventLoops {
 public:
  // `count` 0 means one per core.
  explicit EventLoops(size_t count);
  ~EventLoops();
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  void start();
  // Stops every loop and joins its thread; pending handlers are dropped. Idempotent.
  void stop();

  std::vector<boost::asio::io_context*> loops() const;

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace caudal::server
