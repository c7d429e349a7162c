#include "log/partitioner.h"

#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace caudal::log {
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

TEST(StickyPartitionTest, EventLoopsStartOnDifferentPartitions) {
  int32_t first = -1;
  int32_t second = -1;
  std::thread([&] { first = next_sticky_partition(8); }).join();
  std::thread([&] { second = next_sticky_partition(8); }).join();
  EXPECT_NE(first, second);
}

TEST(StickyPartitionTest, OneThreadMovesOnEveryRequest) {
  std::vector<int32_t> seen;
  std::thread([&] {
    for (int i = 0; i < 64; ++i) seen.push_back(next_sticky_partition(7));
  }).join();
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_GE(seen[i], 0);
    EXPECT_LT(seen[i], 7);
  }
  // Seven partitions and any stride below seven: the walk never stays on one partition.
  EXPECT_NE(seen[0], seen[1]);
  EXPECT_EQ(std::set<int32_t>(seen.begin(), seen.end()).size(), 7u);
}

}  // namespace
}  // namespace caudal::log
