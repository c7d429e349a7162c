// The time a stateful step assigns to an event, and duration options.
//
// Event time: the value of the `time:` expression (a timestamp, epoch milliseconds as a
// number, or an ISO-8601 string), or without `time:` the record's timestamp (the producer's or
// the log's). Processing time (`processing_time: true`, or a record without a timestamp): the
// batch's processing time (EventBatch::processing_time(), the runtime's clock).
//
// Threads: built at compile time; then used by the pipeline task's thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/clock.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/expr/expression.h"
#include "pipeline/step_options.h"

namespace caudal::pipeline {

class EventTime {
 public:
  // Reads `time:` and `processing_time:` from `options` (both known to it); nullopt when
  // something was reported.
  static std::optional<EventTime> build(StepOptions& options);

  // The time (ns since the epoch) of every selected event: times[k] for selection()[k]. An
  // event whose `time:` fails or is of the wrong kind is appended to `failures` (times[k] is
  // then 0).
  void compute(EventBatch& batch, std::vector<int64_t>& times, std::vector<EvalFailure>& failures);

  bool processing() const { return processing_; }

 private:
  std::optional<Expression> expression_;
  bool processing_ = false;
  std::vector<Value> values_;
};

// The duration option `key` (units.h: 500ms, 30s, 10m); nullopt when absent (reported when
// `required`) or malformed (reported). Durations must be positive unless `allow_zero`.
std::optional<Duration> duration_option(StepOptions& options, std::string_view key, bool required,
                                        bool allow_zero = false);

inline int64_t to_nanos(Duration duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

}  // namespace caudal::pipeline
