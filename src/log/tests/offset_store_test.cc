#include "log/offset_store.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "log/errc.h"

namespace caudal::log {
namespace {

namespace fs = std::filesystem;

class OffsetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("caudal_offset_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<OffsetStore> open_store() {
    auto store = OffsetStore::open(dir_ / "offsets");
    EXPECT_TRUE(store.ok()) << store.status().to_string();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  fs::path dir_;
};

CommittedOffset offset(std::string topic, int32_t partition, int64_t value,
                       std::string metadata = "", int32_t epoch = -1, int64_t ts = 1000) {
  return {
      {std::move(topic), PartitionId(partition)}, Offset(value), epoch, std::move(metadata), ts};
}

TopicPartition tp(std::string topic, int32_t partition) {
  return {std::move(topic), PartitionId(partition)};
}

TEST_F(OffsetStoreTest, CommitThenFetch) {
  auto store = open_store();
  ASSERT_TRUE(store);
  const std::vector<CommittedOffset> commits = {offset("orders", 0, 42, "meta", 5, 1234),
                                                offset("orders", 1, 7)};
  ASSERT_TRUE(store->commit("g1", commits).ok());

  auto got = store->fetch("g1", tp("orders", 0));
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, commits[0]);
  EXPECT_EQ((*got)->metadata, "meta");
  EXPECT_EQ((*got)->leader_epoch, 5);
  EXPECT_EQ((*got)->commit_timestamp_ms, 1234);

  auto missing = store->fetch("g1", tp("orders", 2));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto other_group = store->fetch("g2", tp("orders", 0));
  ASSERT_TRUE(other_group.ok());
  EXPECT_FALSE(other_group->has_value());
}

TEST_F(OffsetStoreTest, LaterCommitsReplaceEarlierOnes) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->commit("g", std::vector{offset("t", 0, 1, "first")}).ok());
  // Within one commit, the last entry for a partition wins.
  ASSERT_TRUE(
      store->commit("g", std::vector{offset("t", 0, 5, "second"), offset("t", 0, 9, "third")})
          .ok());
  auto got = store->fetch("g", tp("t", 0));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->offset, Offset(9));
  EXPECT_EQ((*got)->metadata, "third");
}

TEST_F(OffsetStoreTest, FetchGroupIsOrderedAndExactlyTheGroup) {
  auto store = open_store();
  ASSERT_TRUE(store);
  // "a" is a byte prefix of "ab", and a group name may hold any byte, NUL and 0xff included.
  const std::string odd("g\0\xff", 3);
  ASSERT_TRUE(store
                  ->commit("a", std::vector{offset("zz", 10, 1), offset("zz", 2, 2),
                                            offset("b", 0, 3), offset("longer-topic", 1, 4)})
                  .ok());
  ASSERT_TRUE(store->commit("ab", std::vector{offset("zz", 0, 100)}).ok());
  ASSERT_TRUE(store->commit(odd, std::vector{offset("x", 0, 5)}).ok());
  ASSERT_TRUE(store->commit(std::string("g\0", 2), std::vector{offset("y", 0, 6)}).ok());

  auto a = store->fetch_group("a");
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  ASSERT_EQ(a->size(), 4u);
  EXPECT_EQ((*a)[0].topic_partition, tp("b", 0));
  EXPECT_EQ((*a)[1].topic_partition, tp("longer-topic", 1));
  EXPECT_EQ((*a)[2].topic_partition, tp("zz", 2));
  EXPECT_EQ((*a)[3].topic_partition, tp("zz", 10));

  auto ab = store->fetch_group("ab");
  ASSERT_TRUE(ab.ok());
  ASSERT_EQ(ab->size(), 1u);
  EXPECT_EQ((*ab)[0].offset, Offset(100));

  auto o = store->fetch_group(odd);
  ASSERT_TRUE(o.ok());
  ASSERT_EQ(o->size(), 1u);
  EXPECT_EQ((*o)[0].topic_partition, tp("x", 0));

  auto none = store->fetch_group("nobody");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  auto groups = store->list_groups();
  ASSERT_TRUE(groups.ok()) << groups.status().to_string();
  EXPECT_EQ(*groups, (std::vector<std::string>{"a", "ab", std::string("g\0", 2), odd}));
}

TEST_F(OffsetStoreTest, NegativeAndLargePartitionsKeepNumericOrder) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store
                  ->commit("g", std::vector{offset("t", INT32_MAX, 1), offset("t", -1, 2),
                                            offset("t", 0, 3), offset("t", 256, 4)})
                  .ok());
  auto all = store->fetch_group("g");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].topic_partition.partition, PartitionId(-1));
  EXPECT_EQ((*all)[1].topic_partition.partition, PartitionId(0));
  EXPECT_EQ((*all)[2].topic_partition.partition, PartitionId(256));
  EXPECT_EQ((*all)[3].topic_partition.partition, PartitionId(INT32_MAX));
}

TEST_F(OffsetStoreTest, DeleteGroupLeavesOtherGroups) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->commit("a", std::vector{offset("t", 0, 1), offset("u", 3, 2)}).ok());
  ASSERT_TRUE(store->commit("ab", std::vector{offset("t", 0, 3)}).ok());
  ASSERT_TRUE(store->delete_group("a").ok());
  ASSERT_TRUE(store->delete_group("never-existed").ok());
  auto a = store->fetch_group("a");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->empty());
  auto ab = store->fetch("ab", tp("t", 0));
  ASSERT_TRUE(ab.ok() && ab->has_value());
  EXPECT_EQ((*ab)->offset, Offset(3));
  EXPECT_EQ(*store->list_groups(), std::vector<std::string>{"ab"});
}

TEST_F(OffsetStoreTest, DeleteTopicDropsItInEveryGroupOnly) {
  auto store = open_store();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store
                  ->commit("g1", std::vector{offset("gone", 0, 1), offset("gone", 1, 1),
                                             offset("kept", 0, 1), offset("gone2", 0, 1)})
                  .ok());
  ASSERT_TRUE(store->commit("g2", std::vector{offset("gone", 5, 1)}).ok());
  auto dropped = store->delete_topic("gone");
  ASSERT_TRUE(dropped.ok()) << dropped.status().to_string();
  EXPECT_EQ(*dropped, 3u);

  auto g1 = store->fetch_group("g1");
  ASSERT_TRUE(g1.ok());
  ASSERT_EQ(g1->size(), 2u);
  EXPECT_EQ((*g1)[0].topic_partition.topic, "gone2");
  EXPECT_EQ((*g1)[1].topic_partition.topic, "kept");
  EXPECT_EQ(*store->list_groups(), std::vector<std::string>{"g1"});  // g2 had only "gone"
  EXPECT_EQ(*store->delete_topic("no-such-topic"), 0u);
}

TEST_F(OffsetStoreTest, CommitsSurviveCloseAndReopen) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->commit("g", std::vector{offset("t", 0, 10, "m", 2, 99)}).ok());
    ASSERT_TRUE(store->commit("h", std::vector{offset("t", 1, 20)}).ok());
    ASSERT_TRUE(store->delete_group("h").ok());
  }
  auto store = open_store();
  ASSERT_TRUE(store);
  auto got = store->fetch("g", tp("t", 0));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, offset("t", 0, 10, "m", 2, 99));
  EXPECT_EQ(*store->list_groups(), std::vector<std::string>{"g"});
}

TEST_F(OffsetStoreTest, SecondOpenOfTheSameDirectoryFails) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto second = OffsetStore::open(dir_ / "offsets");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), make_error_code(Errc::kStorage));
  EXPECT_NE(second.status().message().find("cannot open"), std::string::npos)
      << second.status().message();
}

TEST_F(OffsetStoreTest, UncreatableDirectoryIsAStorageError) {
  fs::create_directories(dir_);
  { std::ofstream(dir_ / "file") << "x"; }
  auto store = OffsetStore::open(dir_ / "file" / "offsets");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), make_error_code(Errc::kStorage));
  EXPECT_NE(store.status().message().find("cannot create"), std::string::npos);
}

TEST_F(OffsetStoreTest, MalformedStoredValueIsCorruptData) {
  {
    auto store = open_store();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->commit("g", std::vector{offset("t", 0, 10)}).ok());
  }
  {
    // Overwrite the value behind the store's back with a truncated one.
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), (dir_ / "offsets").string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    it->SeekToFirst();
    ASSERT_TRUE(it->Valid());
    const std::string key = it->key().ToString();
    it.reset();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, std::string("\x01\x00\x00", 3)).ok());
  }
  auto store = open_store();
  ASSERT_TRUE(store);
  auto got = store->fetch("g", tp("t", 0));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), make_error_code(Errc::kCorruptData));
  EXPECT_NE(got.status().message().find("group 'g' for t/0 is malformed (3 bytes"),
            std::string::npos)
      << got.status().message();
  EXPECT_FALSE(store->fetch_group("g").ok());
}

TEST_F(OffsetStoreTest, ConcurrentCommitsFromManyThreads) {
  auto store = open_store();
  ASSERT_TRUE(store);
  constexpr int kThreads = 4;
  constexpr int kCommits = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCommits; ++i) {
        // Each commit moves two partitions together; both must always match.
        std::vector commits{offset("t", t * 2, i), offset("t", t * 2 + 1, i)};
        if (!store->commit("g", commits).ok()) ++failures;
        auto a = store->fetch("g", tp("t", t * 2));
        if (!a.ok() || !a->has_value() || (*a)->offset < Offset(i)) ++failures;
        // A scan sees one snapshot: each thread's pair of partitions is always in step.
        auto all = store->fetch_group("g");
        if (!all.ok()) {
          ++failures;
          continue;
        }
        for (size_t k = 0; k + 1 < all->size(); ++k) {
          const auto& x = (*all)[k];
          const auto& y = (*all)[k + 1];
          if (x.topic_partition.partition.value() % 2 == 0 &&
              y.topic_partition.partition.value() == x.topic_partition.partition.value() + 1 &&
              x.offset != y.offset) {
            ++failures;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = store->fetch_group("g");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(2 * kThreads));
  for (const auto& c : *all) EXPECT_EQ(c.offset, Offset(kCommits - 1));
}

}  // namespace
}  // namespace caudal::log
