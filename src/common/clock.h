// Time behind an interface, so retention, timeouts and windows can be tested with a clock the
// test moves by hand. Production code takes a Clock& and never calls std::chrono::*::now().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace caudal {

using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (record timestamps, retention by age). May jump.
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  // Monotonic time (timeouts, latency). Never goes back.
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;

  int64_t wall_millis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(wall_now().time_since_epoch())
        .count();
  }
};

// The real clocks. Thread-safe; one shared instance is enough.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
  static SystemClock& instance();
};

// A clock that moves only when told to. Both readings advance together. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start =
                           std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 50)))
      : wall_start_(start) {}

  std::chrono::system_clock::time_point wall_now() const override {
    return wall_start_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                             Duration(elapsed_ns_.load()));
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(Duration(elapsed_ns_.load()));
  }
  void advance(Duration d) { elapsed_ns_.fetch_add(d.count()); }

 private:
  std::chrono::system_clock::time_point wall_start_;
  std::atomic<int64_t> elapsed_ns_{0};
};

}  // namespace caudal
