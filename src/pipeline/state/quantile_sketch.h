// QuantileSketch: approximate percentiles with a relative-error guarantee, after DDSketch
// (Masson, Rim, Lee, VLDB 2019), for the window aggregate percentile(). Values fall into
// logarithmic buckets: a positive x goes to bucket ceil(log_gamma(x)) with
// gamma = (1 + a) / (1 - a), a = 1%, and a bucket answers with the value whose relative
// distance to either bound is a, so any returned quantile is within 1% of a true sample of
// that rank. Negative values mirror into their own buckets, zeros are counted apart.
// Mergeable (bucket counts add) and serializable. Memory grows with the range of values
// (about 115 buckets per factor of 10), not with their number; past kMaxBuckets the lowest
// buckets fold together (the low quantiles lose accuracy first, as in DDSketch).
//
// Not thread-safe; a plain value.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace caudal::pipeline {

class QuantileSketch {
 public:
  static constexpr double kRelativeAccuracy = 0.01;
  static constexpr size_t kMaxBuckets = 2048;

  void add(double value);
  void merge(const QuantileSketch& other);
  uint64_t count() const { return count_; }
  // The value at quantile q in [0, 1]; 0 for an empty sketch (callers check count()).
  double quantile(double q) const;

  void encode(std::string& out) const;
  // kCorruptState when `bytes` is not an encoded sketch.
  Status decode(std::string_view bytes);
  size_t buckets() const { return positive_.size() + negative_.size(); }

 private:
  static int32_t bucket_of(double magnitude);
  static double value_of(int32_t bucket);
  void fold(std::map<int32_t, uint64_t>& buckets);

  std::map<int32_t, uint64_t> positive_;  // by bucket of the value
  std::map<int32_t, uint64_t> negative_;  // by bucket of -value
  uint64_t zeros_ = 0;
  uint64_t count_ = 0;
};

}  // namespace caudal::pipeline
