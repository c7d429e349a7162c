// Random: the demo's own pseudo-random generator (SplitMix64, Steele, Lea and Flood 2014), so
// that a seed gives the same customers and the same sensor readings with every compiler and
// standard library (std:: distributions are free to differ between library versions).
// Not for anything secret. One instance per thread.
#pragma once

#include <cstdint>
#include <span>

#include "common/check.h"

namespace caudal::demo {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  // A generator for the stream `stream` of `seed`: streams of one seed are independent, so
  // customer 7 or connection 3 gets the same numbers whatever was drawn for the others.
  static Random stream(uint64_t seed, uint64_t stream) {
    Random mixer(seed ^ (stream * 0xD1B54A32D192ED03ull));
    return Random(mixer.next());
  }

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0 (Lemire's multiply-shift; the bias is below 2^-40 for
  // the bounds the demo uses, and the result is the same everywhere).
  uint64_t below(uint64_t bound) {
    CAUDAL_CHECK(bound > 0, "Random::below needs a positive bound");
    __extension__ using Wide = unsigned __int128;  // GCC and Clang; -Wpedantic asks to say so
    return static_cast<uint64_t>((static_cast<Wide>(next()) * bound) >> 64);
  }

  // Uniform in [low, high].
  int64_t between(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(below(static_cast<uint64_t>(high - low) + 1));
  }

  // Uniform in [0, 1), 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  bool chance(double probability) { return unit() < probability; }

  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[below(items.size())];
  }

 private:
  uint64_t state_;
};

}  // namespace caudal::demo
