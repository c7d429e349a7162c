#include "server/event_loops.h"

#include <pthread.h>

#include <fmt/format.h>

namespace caudal::server {

EventLoops::EventLoops(size_t count) {
  if (count == 0) count = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < count; ++i) {
    // Concurrency hint 1: each context is driven by exactly one thread.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

EventLoops::~EventLoops() { stop(); }

void EventLoops::start() {
  for (size_t i = 0; i < contexts_.size(); ++i) {
    guards_.push_back(boost::asio::make_work_guard(*contexts_[i]));
    threads_.emplace_back([this, i] {
      pthread_setname_np(pthread_self(), fmt::format("caudal-loop-{}", i).c_str());
      contexts_[i]->run();
    });
  }
}

void EventLoops::stop() {
  guards_.clear();
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

std::vector<boost::asio::io_context*> EventLoops::loops() const {
  std::vector<boost::asio::io_context*> out;
  for (const auto& context : contexts_) out.push_back(context.get());
  return out;
}

}  // namespace caudal::server
