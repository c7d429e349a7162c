// Watermark: how far event time has progressed, for event-time windows. Each source partition
// (topic/partition of the events a step sees) tracks the largest event time it delivered; the
// watermark is the smallest of those minus the out-of-order bound: an event more than that
// behind the slowest partition's newest event is expected never to come.
//
// Idle partitions: a partition that delivered nothing for idle_timeout of processing time does
// not hold the watermark back (a quiet partition must not stall every window forever); when it
// speaks again it counts again (its events may then be late). When every partition is idle the
// largest event time of all counts. The watermark never goes back.
//
// Serializable, so a restart resumes with the same watermark (windows that had closed stay
// closed).
//
// Threads: the pipeline task's thread only.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace caudal::pipeline {

class Watermark {
 public:
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();

  Watermark(int64_t out_of_order_ns, int64_t idle_timeout_ns)
      : out_of_order_(out_of_order_ns), idle_timeout_(idle_timeout_ns) {}

  // An event of `topic`/`partition` at event time `time`, at processing time `now`.
  void observe(std::string_view topic, int32_t partition, int64_t time, int64_t now);
  // Recomputes the watermark at processing time `now` and returns it (kNone before any event).
  int64_t advance(int64_t now);
  int64_t current() const { return current_; }

  void encode(std::string& out) const;
  // kCorruptState when `bytes` do not decode.
  Status decode(std::string_view bytes);

  // A JSON object: the watermark and each partition's newest event time.
  void describe(std::string& out) const;

 private:
  struct Partition {
    std::string topic;
    int32_t partition;
    int64_t max_time;
    int64_t last_seen;  // processing time of its last event
  };

  int64_t out_of_order_;
  int64_t idle_timeout_;
  std::vector<Partition> partitions_;
  size_t last_ = 0;  // the partition of the last event, checked first
  int64_t current_ = kNone;
};

}  // namespace caudal::pipeline
