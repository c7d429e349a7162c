#include "log/flusher.h"

#include "common/check.h"

namespace caudal::log {

Flusher::Flusher(Clock& clock, int threads) : clock_(clock) {
  CAUDAL_CHECK(threads >= 1, "a flusher needs at least one thread");
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

Flusher::~Flusher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void Flusher::schedule(std::weak_ptr<FlushTarget> target, Duration delay) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace(clock_.steady_now() + delay, std::move(target));
  }
  wake_.notify_one();
}

void Flusher::poke() {
  wake_.notify_all();
}

void Flusher::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto first = queue_.begin();
    auto now = clock_.steady_now();
    if (first->first > now) {
      // Real time passes for the wait; with a ManualClock the loop simply looks again.
      wake_.wait_for(lock, first->first - now);
      continue;
    }
    std::shared_ptr<FlushTarget> target = first->second.lock();
    queue_.erase(first);
    if (!target) continue;
    lock.unlock();
    target->run_flush();
    target.reset();
    lock.lock();
  }
}

}  // namespace caudal::log
