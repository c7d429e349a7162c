#include "pipeline/state/quantile_sketch.h"

#include <algorithm>
#include <cmath>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "pipeline/errc.h"

namespace caudal::pipeline {
namespace {

constexpr double kGamma = (1 + QuantileSketch::kRelativeAccuracy) / (1 - QuantileSketch::kRelativeAccuracy);
const double kLogGamma = std::log(kGamma);
// Magnitudes below this count as zero: their buckets would run past int32.
constexpr double kMinMagnitude = 1e-300;

void encode_buckets(const std::map<int32_t, uint64_t>& buckets, ByteWriter& out) {
  out.write_uvarint(buckets.size());
  for (const auto& [bucket, count] : buckets) {
    out.write_varint(bucket);
    out.write_uvarint(count);
  }
}

bool decode_buckets(ByteReader& in, std::map<int32_t, uint64_t>& buckets, uint64_t& total) {
  const uint64_t size = in.read_uvarint64();
  if (in.failed() || size > QuantileSketch::kMaxBuckets) return false;
  for (uint64_t i = 0; i < size; ++i) {
    const int32_t bucket = in.read_varint();
    const uint64_t count = in.read_uvarint64();
    if (in.failed()) return false;
    buckets[bucket] += count;
    total += count;
  }
  return true;
}

}  // namespace

int32_t QuantileSketch::bucket_of(double magnitude) {
  return static_cast<int32_t>(std::ceil(std::log(magnitude) / kLogGamma));
}

double QuantileSketch::value_of(int32_t bucket) {
  // The bucket is (gamma^(b-1), gamma^b]; this point is within a of both bounds.
  return 2 * std::pow(kGamma, bucket) / (kGamma + 1);
}

void QuantileSketch::fold(std::map<int32_t, uint64_t>& buckets) {
  while (buckets.size() > kMaxBuckets / 2 && positive_.size() + negative_.size() > kMaxBuckets) {
    auto lowest = buckets.begin();
    const uint64_t count = lowest->second;
    buckets.erase(lowest);
    buckets.begin()->second += count;
  }
}

void QuantileSketch::add(double value) {
  if (std::isnan(value)) return;
  ++count_;
  const double magnitude = std::fabs(value);
  if (magnitude < kMinMagnitude) {
    ++zeros_;
    return;
  }
  std::map<int32_t, uint64_t>& buckets = value > 0 ? positive_ : negative_;
  ++buckets[bucket_of(std::min(magnitude, 1e300))];
  fold(buckets);
}

void QuantileSketch::merge(const QuantileSketch& other) {
  for (const auto& [bucket, count] : other.positive_) positive_[bucket] += count;
  for (const auto& [bucket, count] : other.negative_) negative_[bucket] += count;
  zeros_ += other.zeros_;
  count_ += other.count_;
  fold(positive_);
  fold(negative_);
}

double QuantileSketch::quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = static_cast<uint64_t>(q * static_cast<double>(count_ - 1));
  uint64_t seen = 0;
  // From the most negative value up: negative buckets by decreasing magnitude.
  for (auto it = negative_.rbegin(); it != negative_.rend(); ++it) {
    seen += it->second;
    if (seen > rank) return -value_of(it->first);
  }
  seen += zeros_;
  if (seen > rank) return 0;
  for (const auto& [bucket, count] : positive_) {
    seen += count;
    if (seen > rank) return value_of(bucket);
  }
  return positive_.empty() ? 0 : value_of(positive_.rbegin()->first);
}

void QuantileSketch::encode(std::string& out) const {
  ByteWriter writer;
  writer.write_uvarint(zeros_);
  encode_buckets(positive_, writer);
  encode_buckets(negative_, writer);
  const ByteView bytes = writer.view();
  out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

Status QuantileSketch::decode(std::string_view bytes) {
  *this = QuantileSketch();
  ByteReader reader(ByteView(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  zeros_ = reader.read_uvarint64();
  count_ = zeros_;
  if (reader.failed() || !decode_buckets(reader, positive_, count_) ||
      !decode_buckets(reader, negative_, count_) || !reader.at_end()) {
    return Status(PipelineErrc::kCorruptState, "a percentile sketch does not decode");
  }
  return Status();
}

}  // namespace caudal::pipeline
