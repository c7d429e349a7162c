// The three instrument kinds of the metrics registry. Updates are lock-free atomics so they can
// sit on hot paths; a caller keeps the reference a family handed out and updates it directly.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace caudal::metrics {

// Monotonic count of events or bytes.
class Counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Distribution of observations over fixed upper bounds (cumulative when rendered).
class Histogram {
 public:
  // `bounds` must be sorted ascending; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);

  void observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of bucket i (i == bounds().size() is the +Inf bucket).
  uint64_t bucket_count(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

  // Bounds for latencies in seconds, 50 µs to 10 s.
  static std::vector<double> latency_seconds_bounds();

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

}  // namespace caudal::metrics
