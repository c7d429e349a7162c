// HyperLogLog: an approximate count of distinct values in fixed memory (Flajolet et al., 2007),
// for the window aggregate count_distinct(). 2^12 one-byte registers (4 KiB), standard error
// about 1.04 / sqrt(4096) = 1.6%; small cardinalities use linear counting, so they are exact
// or nearly so. Mergeable (register-wise max) and serializable.
//
// Not thread-safe; a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace caudal::pipeline {

// A 64-bit hash of `bytes` (FNV-1a, then a 64-bit finalizer mixing every bit into the top
// ones, which HyperLogLog reads).
uint64_t hash_bytes(std::string_view bytes);

class HyperLogLog {
 public:
  static constexpr int kPrecision = 12;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;

  HyperLogLog() : registers_(kRegisters, 0) {}

  void add_hash(uint64_t hash);
  void add(std::string_view bytes) { add_hash(hash_bytes(bytes)); }
  void merge(const HyperLogLog& other);
  uint64_t estimate() const;

  // The registers, as they are (4 KiB).
  void encode(std::string& out) const;
  // kCorruptState when `bytes` is not an encoded sketch.
  Status decode(std::string_view bytes);

 private:
  std::vector<uint8_t> registers_;
};

}  // namespace caudal::pipeline
