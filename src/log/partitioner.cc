#include "log/partitioner.h"

#include <atomic>

namespace caudal::log {

int32_t kafka_murmur2(std::string_view key) {
  // Unsigned arithmetic wraps exactly like Java's int arithmetic, without C++'s signed
  // overflow.
  const auto* data = reinterpret_cast<const uint8_t*>(key.data());
  const uint32_t length = static_cast<uint32_t>(key.size());
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kM = 0x5bd1e995;
  constexpr int kR = 24;
  uint32_t h = kSeed ^ length;
  const uint32_t words = length / 4;
  for (uint32_t i = 0; i < words; ++i) {
    const uint8_t* p = data + i * 4;
    uint32_t k =
        uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
    k *= kM;
    k ^= k >> kR;
    k *= kM;
    h *= kM;
    h ^= k;
  }
  const uint8_t* tail = data + (length & ~3u);
  switch (length % 4) {
    case 3: h ^= uint32_t{tail[2]} << 16; [[fallthrough]];
    case 2: h ^= uint32_t{tail[1]} << 8; [[fallthrough]];
    case 1: h ^= uint32_t{tail[0]}; h *= kM;
  }
  h ^= h >> 13;
  h *= kM;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

int32_t partition_for_key(std::string_view key, int32_t partitions) {
  const uint32_t positive = static_cast<uint32_t>(kafka_murmur2(key)) & 0x7fffffffu;
  return static_cast<int32_t>(positive % static_cast<uint32_t>(partitions));
}

int32_t next_sticky_partition(int32_t partitions) {
  // Thread t of n takes partitions t, t+n, t+2n, ... in turn: the event loops spread their
  // requests over every partition but never walk into each other, so they do not queue on
  // one partition's lock (with fewer partitions than loops, some loops share one). n counts
  // the threads that have asked so far, which settles at the number of event loops.
  static std::atomic<uint32_t> threads{0};
  thread_local const uint32_t ordinal = threads.fetch_add(1, std::memory_order_relaxed);
  thread_local uint32_t turn = 0;
  const uint32_t stride = threads.load(std::memory_order_relaxed);
  return static_cast<int32_t>((ordinal + stride * turn++) % static_cast<uint32_t>(partitions));
}

}  // namespace caudal::log
