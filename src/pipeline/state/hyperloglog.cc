#include "pipeline/state/hyperloglog.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "pipeline/errc.h"

namespace caudal::pipeline {

uint64_t hash_bytes(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a offset basis
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;  // FNV prime
  }
  // FNV leaves the high bits poorly mixed for short inputs; HyperLogLog uses them for the
  // register index, so finish with a multiply-xorshift avalanche.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

void HyperLogLog::add_hash(uint64_t hash) {
  const size_t index = hash >> (64 - kPrecision);
  // The rank: position of the first 1 bit in the remaining bits, counting from 1. A guard bit
  // keeps the count bounded when they are all zero.
  const uint64_t rest = (hash << kPrecision) | (uint64_t{1} << (kPrecision - 1));
  const auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void HyperLogLog::merge(const HyperLogLog& other) {
  for (size_t i = 0; i < kRegisters; ++i) registers_[i] = std::max(registers_[i], other.registers_[i]);
}

uint64_t HyperLogLog::estimate() const {
  const double m = static_cast<double>(kRegisters);
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    if (r == 0) ++zeros;
  }
  const double alpha = 0.7213 / (1.0 + 1.079 / m);
  double estimate = alpha * m * m / sum;
  // Small range: linear counting over the empty registers is far more accurate.
  if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));
  return static_cast<uint64_t>(std::llround(estimate));
}

void HyperLogLog::encode(std::string& out) const {
  out.append(reinterpret_cast<const char*>(registers_.data()), registers_.size());
}

Status HyperLogLog::decode(std::string_view bytes) {
  if (bytes.size() != kRegisters) {
    return Status(PipelineErrc::kCorruptState, "a count_distinct sketch of the wrong size");
  }
  for (size_t i = 0; i < kRegisters; ++i) {
    const auto r = static_cast<uint8_t>(bytes[i]);
    if (r > 64 - kPrecision + 1) return Status(PipelineErrc::kCorruptState, "a count_distinct register out of range");
    registers_[i] = r;
  }
  return Status();
}

}  // namespace caudal::pipeline
