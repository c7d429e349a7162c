// The pieces of keyed state: sketches (accuracy, merge, encoding), the watermark (idle
// partitions, never going back), change tracking for checkpoints.
#include <cmath>
#include <random>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/byte_reader.h"
#include "pipeline/state/hyperloglog.h"
#include "pipeline/state/keyed_map.h"
#include "pipeline/state/quantile_sketch.h"
#include "pipeline/state/state_delta.h"
#include "pipeline/state/state_key.h"
#include "pipeline/state/watermark.h"

namespace caudal::pipeline {
namespace {

TEST(HyperLogLogTest, SmallCountsAreExactAndLargeOnesWithinFivePercent) {
  HyperLogLog small;
  for (int i = 0; i < 100; ++i) small.add(fmt::format("user-{}", i % 40));
  EXPECT_EQ(small.estimate(), 40u);

  HyperLogLog a, b;
  for (int i = 0; i < 100000; ++i) a.add(fmt::format("id-{}", i));
  for (int i = 50000; i < 150000; ++i) b.add(fmt::format("id-{}", i));
  EXPECT_NEAR(static_cast<double>(a.estimate()), 100000.0, 5000.0);
  a.merge(b);
  EXPECT_NEAR(static_cast<double>(a.estimate()), 150000.0, 7500.0);

  std::string bytes;
  a.encode(bytes);
  HyperLogLog back;
  ASSERT_TRUE(back.decode(bytes).ok());
  EXPECT_EQ(back.estimate(), a.estimate());
  EXPECT_FALSE(back.decode("short").ok());
  std::string bad(HyperLogLog::kRegisters, '\x7f');
  EXPECT_FALSE(back.decode(bad).ok());
}

TEST(QuantileSketchTest, QuantilesWithinRelativeAccuracy) {
  QuantileSketch sketch;
  for (int i = 1; i <= 10000; ++i) sketch.add(i);
  for (double q : {0.0, 0.5, 0.9, 0.99, 1.0}) {
    const double exact = std::max(1.0, std::floor(q * 9999) + 1);
    EXPECT_NEAR(sketch.quantile(q), exact, exact * 0.011) << q;
  }
  QuantileSketch mixed;
  for (int i = -50; i <= 50; ++i) mixed.add(i);
  EXPECT_NEAR(mixed.quantile(0.0), -50, 0.6);
  EXPECT_EQ(mixed.quantile(0.5), 0);
  EXPECT_NEAR(mixed.quantile(1.0), 50, 0.6);

  QuantileSketch other;
  for (int i = 10001; i <= 20000; ++i) other.add(i);
  sketch.merge(other);
  EXPECT_EQ(sketch.count(), 20000u);
  EXPECT_NEAR(sketch.quantile(0.75), 15000, 15000 * 0.011);

  std::string bytes;
  sketch.encode(bytes);
  QuantileSketch back;
  ASSERT_TRUE(back.decode(bytes).ok());
  EXPECT_EQ(back.count(), sketch.count());
  EXPECT_EQ(back.quantile(0.75), sketch.quantile(0.75));
  EXPECT_FALSE(back.decode("\xff\xff").ok());
}

constexpr int64_t kSecond = 1'000'000'000;

TEST(WatermarkTest, SlowestPartitionHoldsItBackUntilIdle) {
  Watermark watermark(5 * kSecond, 30 * kSecond);
  EXPECT_EQ(watermark.advance(0), Watermark::kNone);
  watermark.observe("IN", 0, 100 * kSecond, 0);
  watermark.observe("IN", 1, 60 * kSecond, 0);
  EXPECT_EQ(watermark.advance(0), 55 * kSecond);
  watermark.observe("IN", 0, 200 * kSecond, 20 * kSecond);
  EXPECT_EQ(watermark.advance(20 * kSecond), 55 * kSecond);
  // Partition 1 said nothing for 30 s: it no longer holds the watermark back.
  EXPECT_EQ(watermark.advance(30 * kSecond), 195 * kSecond);
  // It speaks again with an old time: the watermark does not go back.
  watermark.observe("IN", 1, 70 * kSecond, 31 * kSecond);
  EXPECT_EQ(watermark.advance(31 * kSecond), 195 * kSecond);

  std::string bytes;
  watermark.encode(bytes);
  Watermark back(5 * kSecond, 30 * kSecond);
  ASSERT_TRUE(back.decode(bytes).ok());
  EXPECT_EQ(back.current(), 195 * kSecond);
  EXPECT_FALSE(back.decode(bytes.substr(0, bytes.size() - 1)).ok());
}

// The open-addressing index through growth and erasures (backward shifts): every key stays
// findable, erased ones are gone, references stay valid while the map grows, and freed slots
// are reused without mixing their changes up.
TEST(KeyedMapTest, ManyKeysSurviveGrowthAndErasure) {
  KeyedMap<int> map;
  int& first = map.change("k0");
  first = 0;
  for (int i = 1; i < 20000; ++i) map.change("k" + std::to_string(i)) = i;
  EXPECT_EQ(first, 0);
  EXPECT_EQ(&first, map.find("k0"));
  for (int i = 0; i < 20000; i += 3) map.erase("k" + std::to_string(i));
  for (int i = 0; i < 20000; ++i) {
    const int* found = map.find("k" + std::to_string(i));
    if (i % 3 == 0) {
      EXPECT_EQ(found, nullptr) << i;
    } else {
      ASSERT_NE(found, nullptr) << i;
      EXPECT_EQ(*found, i);
    }
  }
  EXPECT_EQ(map.size(), 20000u - 6667u);
  StateDelta delta;
  map.take_delta(delta, [](const int& v, std::string& out) { out += std::to_string(v); });
  EXPECT_EQ(delta.size(), 20000u);  // 6667 deletions, then 13333 entries
  bool created = false;
  map.change("new", &created) = 7;  // into a freed slot
  EXPECT_TRUE(created);
  delta = StateDelta();
  map.take_delta(delta, [](const int& v, std::string& out) { out += std::to_string(v); });
  ASSERT_EQ(delta.size(), 1u);
  EXPECT_EQ(delta[0].key, "new");
  EXPECT_EQ(delta[0].value, "7");
  EXPECT_TRUE(map.update_existing("k1", [](int& v) { return ++v == 2; }));
  EXPECT_FALSE(map.update_existing("k0", [](int&) { return true; }));
  EXPECT_EQ(*map.find("k1"), 2);
}

// A delta packs every write into one buffer; what it hands back survives the buffer growing.
TEST(StateDeltaTest, WritesComeBackInOrderWithTheirBytes) {
  StateDelta delta;
  EXPECT_TRUE(delta.empty());
  delta.put(std::string_view(), "meta");  // a step's meta entry has the empty key
  delta.erase("gone");
  for (int i = 0; i < 1000; ++i) {
    delta.put_encoded(fmt::format("key-{}", i), [i](std::string& out) { append_varlong(out, -i); });
  }
  ASSERT_EQ(delta.size(), 1002u);
  EXPECT_EQ(delta[0].key, "");
  EXPECT_EQ(delta[0].value, "meta");
  EXPECT_EQ(delta[1].key, "gone");
  EXPECT_FALSE(delta[1].value.has_value());
  for (int i = 0; i < 1000; ++i) {
    const StateDelta::Write write = delta[2 + static_cast<size_t>(i)];
    EXPECT_EQ(write.key, fmt::format("key-{}", i));
    ASSERT_TRUE(write.value.has_value());
    ByteReader reader(as_bytes(*write.value));
    EXPECT_EQ(reader.read_varlong(), -i);
    EXPECT_TRUE(reader.at_end());
  }
}

// Steps find entries by the hash key_by computed (state_key_hash(group, hash_key_json(key)));
// restore and the runtime's erase by stored key hash the bytes: both must agree.
TEST(KeyedMapTest, PrecomputedHashesFindWhatTheBytesFind) {
  KeyedMap<int> map;
  std::string key;
  for (uint32_t group = 0; group < 4; ++group) {
    for (int i = 0; i < 1000; ++i) {
      const std::string json = fmt::format("\"s-{}\"", i);
      make_state_key(group, json, key);
      EXPECT_EQ(state_key_hash(key), state_key_hash(group, hash_key_json(json)));
      map.change(key, state_key_hash(group, hash_key_json(json))) = static_cast<int>(group * 1000 + i);
    }
  }
  for (uint32_t group = 0; group < 4; ++group) {
    for (int i = 0; i < 1000; i += 7) {
      make_state_key(group, fmt::format("\"s-{}\"", i), key);
      map.prefetch_cell(state_key_hash(key));
      map.prefetch_entry(state_key_hash(key));
      const int* found = map.find(key);
      ASSERT_NE(found, nullptr);
      EXPECT_EQ(*found, static_cast<int>(group * 1000 + i));
    }
  }
  map.prefetch_entry(state_key_hash(std::string_view("absent")));
  EXPECT_EQ(map.find("absent"), nullptr);
}

TEST(KeyedMapTest, DeltaHasDeletionsThenChangesOnce) {
  KeyedMap<int> map;
  map.change("a") = 1;
  map.change("b") = 2;
  auto encode = [](const int& v, std::string& out) { out += std::to_string(v); };
  StateDelta delta;
  map.take_delta(delta, encode);
  ASSERT_EQ(delta.size(), 2u);
  delta = StateDelta();
  map.take_delta(delta, encode);
  EXPECT_TRUE(delta.empty()) << "nothing changed since";

  map.change("a") = 3;
  map.change("a") = 4;
  map.erase("b");
  map.erase("missing");
  map.change("c") = 5;
  map.erase("c");
  map.change("c") = 6;
  map.take_delta(delta, encode);
  ASSERT_EQ(delta.size(), 4u);
  EXPECT_EQ(delta[0].key, "b");
  EXPECT_FALSE(delta[0].value.has_value());
  EXPECT_EQ(delta[1].key, "c");
  EXPECT_FALSE(delta[1].value.has_value());
  EXPECT_EQ(delta[2].key, "a");
  EXPECT_EQ(delta[2].value, "4");
  EXPECT_EQ(delta[3].key, "c");
  EXPECT_EQ(delta[3].value, "6");

  delta = StateDelta();
  map.mark_all_changed();
  map.take_delta(delta, encode);
  EXPECT_EQ(delta.size(), 2u) << "everything again after a failed write";
}

}  // namespace
}  // namespace caudal::pipeline
