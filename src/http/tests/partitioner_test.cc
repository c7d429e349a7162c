#include "http/ingest/partitioner.h"

#include <set>

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

TEST(KafkaMurmur2Test, MatchesKafkasOwnValues) {
  // The values Kafka's Java client computes (and kafka-python's murmur2 agrees).
  EXPECT_EQ(kafka_murmur2("21"), -973932308);
  EXPECT_EQ(kafka_murmur2("foobar"), -790332482);
  EXPECT_EQ(kafka_murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(kafka_murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(kafka_murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(kafka_murmur2("abc"), 479470107);
  EXPECT_EQ(kafka_murmur2(""), 275646681);
}

TEST(PartitionForKeyTest, ClearsTheSignBitThenTakesTheModulo) {
  // -973932308 & 0x7fffffff = 1173551340
  EXPECT_EQ(partition_for_key("21", 7), 1173551340 % 7);
  EXPECT_EQ(partition_for_key("21", 1), 0);
  for (int i = 0; i < 1000; ++i) {
    const int32_t p = partition_for_key(std::to_string(i), 12);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, 12);
  }
}

TEST(StickyPartitionTest, RoundRobinsOverAllPartitions) {
  std::set<int32_t> seen;
  const int32_t first = next_sticky_partition(5);
  seen.insert(first);
  for (int i = 1; i < 5; ++i) {
    const int32_t p = next_sticky_partition(5);
    EXPECT_EQ(p, (first + i) % 5);
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 5u);
}

}  // namespace
}  // namespace caudal::http
