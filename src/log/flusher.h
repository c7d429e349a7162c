// The flusher: the background threads that make appended bytes durable. Partitions schedule
// themselves on it (at once for a flush=always group commit, after the interval for
// flush=interval, after a segment roll for every policy); a flusher thread then calls the
// partition's run_flush(), which fdatasyncs whatever was written up to that moment and
// completes every append waiting on it. See partition.h for the durability contract.
//
// Thread-safety: schedule() may be called from any thread. The Flusher must outlive nothing in
// particular: it holds its targets weakly, so a partition may be destroyed at any time.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"

namespace caudal::log {

// What the flusher flushes; implemented by Partition.
class FlushTarget {
 public:
  // Runs on a flusher thread; may block on fdatasync.
  virtual void run_flush() = 0;

 protected:
  ~FlushTarget() = default;
};

class Flusher {
 public:
  // Starts `threads` flusher threads. One is enough for a group commit on one disk; more let
  // partitions on slow files sync side by side.
  explicit Flusher(Clock& clock, int threads = 1);
  // Stops and joins the threads. Work still queued is dropped: a partition syncs what it must
  // on its own when it is closed.
  ~Flusher();
  Flusher(const Flusher&) = delete;
  Flusher& operator=(const Flusher&) = delete;

  // Calls target->run_flush() on a flusher thread once `delay` has passed (zero: as soon as a
  // thread is free), unless the target is gone by then. The target coalesces its own requests.
  void schedule(std::weak_ptr<FlushTarget> target, Duration delay);

  // Wakes the threads to re-read the clock (tests that move a ManualClock call this).
  void poke();

 private:
  void run();

  Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<std::chrono::steady_clock::time_point, std::weak_ptr<FlushTarget>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace caudal::log
