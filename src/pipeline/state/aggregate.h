// Window aggregates (`window: {aggregate: {name: FUNCTION(ARGS), ...}}`, docs/pipelines.md):
//   count()                 events in the window
//   count(x)                events where x is not null
//   sum(x), min(x), max(x)  of the numbers x (an integer while every x was one)
//   avg(x)                  a double
//   count_distinct(x)       distinct values of x, estimated (hyperloglog.h: ~2% error, exact
//                           for small counts)
//   percentile(x, p)        the p-th percentile (0-100), within 1% (quantile_sketch.h)
// Null and missing x are skipped (SQL's rule); an x that is not a number where one is needed
// dead-letters the event. An aggregate over no values is null.
//
// Threads: specs are built at compile time and then read-only; states belong to the pipeline
// task's thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "config/diagnostics.h"
#include "config/node.h"
#include "pipeline/event/value.h"
#include "pipeline/expr/expression.h"
#include "pipeline/state/hyperloglog.h"
#include "pipeline/state/quantile_sketch.h"

namespace caudal::pipeline {

enum class AggregateKind : uint8_t { kCount, kSum, kMin, kMax, kAvg, kCountDistinct, kPercentile };

struct AggregateSpec {
  std::string name;  // the output field
  AggregateKind kind = AggregateKind::kCount;
  std::optional<Expression> argument;  // absent for count()
  double quantile = 0;                 // percentile(): p / 100
};

// The aggregates of an `aggregate:` map, or nullopt when something was reported.
std::optional<std::vector<AggregateSpec>> parse_aggregates(const config::Node& node,
                                                           const std::string& path,
                                                           config::Diagnostics& diags);

struct AggregateState {
  int64_t count = 0;     // values taken
  int64_t integer = 0;   // sum/min/max while every value was an integer
  double number = 0;     // sum/min/max as a double
  bool all_integers = true;
  std::unique_ptr<HyperLogLog> distinct;
  std::unique_ptr<QuantileSketch> sketch;

  // Takes one value of `spec`'s argument (ignored for count()). kEventFailed when it is not a
  // number where one is needed.
  Status add(const AggregateSpec& spec, Value value);
  // Adds what `from` took (sessions that merge).
  void merge(const AggregateSpec& spec, const AggregateState& from);
  // Appends the result as JSON.
  void write(const AggregateSpec& spec, std::string& out) const;
  void encode(const AggregateSpec& spec, std::string& out) const;
  // Reads what encode() wrote from `bytes`, advancing it; kCorruptState.
  Status decode(const AggregateSpec& spec, std::string_view& bytes);
  size_t bytes() const;
};

}  // namespace caudal::pipeline
