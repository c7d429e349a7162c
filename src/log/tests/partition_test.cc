#include "log/partition.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "log/errc.h"
#include "log/tests/partition_test_fixture.h"

namespace caudal::log {
namespace {

using testing::as_stored;
using testing::make_batch;
using testing::split_batches;

class PartitionTest : public testing::PartitionFixture {};

TEST_F(PartitionTest, AppendAssignsOffsetsAndReadReturnsTheStoredBatches) {
  auto p = open_partition(settings_with(FlushPolicy::none()));
  Bytes a = make_batch(3, 100, 1);
  Bytes b = make_batch(1, 10, 2);
  Bytes c = make_batch(5, 300, 3);
  auto ra = p->append(a);
  auto rb = p->append(b);
  auto rc = p->append(c);
  ASSERT_TRUE(ra.ok() && rb.ok() && rc.ok());
  EXPECT_EQ(ra->base_offset, Offset(0));
  EXPECT_EQ(ra->last_offset, Offset(2));
  EXPECT_EQ(rb->base_offset, Offset(3));
  EXPECT_EQ(rc->base_offset, Offset(4));
  EXPECT_EQ(rc->last_offset, Offset(8));
  EXPECT_EQ(p->high_watermark(), Offset(9));
  EXPECT_EQ(p->log_start_offset(), Offset(0));

  auto read = p->read(Offset(0), 1 << 20);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->batch_count, 3);
  EXPECT_EQ(read->next_offset, Offset(9));
  EXPECT_EQ(read->high_watermark, Offset(9));
  Bytes expected = as_stored(a, 0);
  Bytes sb = as_stored(b, 3);
  Bytes sc = as_stored(c, 4);
  expected.insert(expected.end(), sb.begin(), sb.end());
  expected.insert(expected.end(), sc.begin(), sc.end());
  EXPECT_EQ(read->bytes, expected);
  // Stored with leader epoch 0, whatever the producer sent.
  EXPECT_EQ(RecordBatchHeader::parse(read->bytes)->partition_leader_epoch, 0);
}

TEST_F(PartitionTest, ReadStartsAtTheBatchHoldingTheOffset) {
  auto p = open_partition(settings_with(FlushPolicy::none()));
  Bytes first = append_ok(*p, 10, 50, 1);
  Bytes second = append_ok(*p, 10, 50, 2);
  auto r = p->read(Offset(14), 1 << 20);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->bytes, second);
  EXPECT_EQ(r->next_offset, Offset(20));
}

TEST_F(PartitionTest, ReadAtTheHighWatermarkIsEmptyAndOutsideIsOutOfRange) {
  auto p = open_partition(settings_with(FlushPolicy::none()));
  append_ok(*p, 4, 50, 1);
  auto at_end = p->read(Offset(4), 1 << 20);
  ASSERT_TRUE(at_end.ok());
  EXPECT_EQ(at_end->batch_count, 0);
  EXPECT_TRUE(at_end->bytes.empty());
  EXPECT_EQ(at_end->next_offset, Offset(4));

  auto beyond = p->read(Offset(5), 1 << 20);
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.status().code(), make_error_code(Errc::kOffsetOutOfRange));
  EXPECT_NE(beyond.status().message().find(
                "topic orders partition 3: offset 5 is past the end of the log (high watermark 4)"),
            std::string::npos)
      << beyond.status().message();
  EXPECT_FALSE(p->read_ranges(Offset(-1), 100).ok());
}

TEST_F(PartitionTest, BudgetIsHonouredButOneWholeBatchAlwaysComes) {
  auto p = open_partition(settings_with(FlushPolicy::none()));
  Bytes big = append_ok(*p, 2, 5000, 1);
  append_ok(*p, 2, 100, 2);
  auto r = p->read(Offset(0), 100);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->batch_count, 1);
  EXPECT_EQ(r->bytes, big);
  auto ranges = p->read_ranges(Offset(0), 100);
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(ranges->bytes, big.size());
}

TEST_F(PartitionTest, RefusesBadBatchesWithoutMakingAnythingVisible) {
  TopicSettings settings = settings_with(FlushPolicy::none());
  settings.max_message_bytes = 2000;
  auto p = open_partition(settings);
  append_ok(*p, 2, 100, 1);
  uint64_t size = p->stats().size_bytes;

  auto expect_refused = [&](Bytes batch, Errc code, std::string_view text) {
    auto r = p->append(batch);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), make_error_code(code));
    EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("topic orders partition 3"), std::string::npos);
  };
  Bytes bad_crc = make_batch(2, 100, 2);
  bad_crc[100] ^= 1;
  expect_refused(bad_crc, Errc::kCorruptBatch, "CRC mismatch");
  Bytes magic1 = make_batch(2, 100, 3);
  magic1[16] = 1;
  expect_refused(magic1, Errc::kUnsupportedFormat, "magic");
  Bytes count = make_batch(2, 100, 4);
  store_be32(count.data() + 57, 7);
  seal_batch_crc(count.data(), count.size());
  expect_refused(count, Errc::kCorruptBatch, "record_count");
  expect_refused(make_batch(1, 3000, 5), Errc::kBatchTooLarge, "max_message_bytes");
  Bytes torn = make_batch(2, 100, 6);
  torn.resize(120);
  expect_refused(torn, Errc::kCorruptBatch, "batch_length");

  EXPECT_EQ(p->high_watermark(), Offset(2));
  EXPECT_EQ(p->stats().size_bytes, size);
  EXPECT_EQ(append_ok(*p, 1, 10, 7).size(), kBatchHeaderSize + 10);
  EXPECT_EQ(p->high_watermark(), Offset(3));
}

TEST_F(PartitionTest, RollsSegmentsBySizeAndAgeAndReadsAcrossThem) {
  TopicSettings settings = settings_with(FlushPolicy::none(), 2048);
  settings.segment_age = std::chrono::minutes(10);
  auto p = open_partition(settings);
  Bytes expected;
  for (int i = 0; i < 20; ++i) {
    Bytes b = append_ok(*p, 2, 400, static_cast<uint32_t>(i));
    expected.insert(expected.end(), b.begin(), b.end());
  }
  // 461-byte batches, four to a 2048-byte segment.
  EXPECT_EQ(p->stats().segment_count, 5u);
  EXPECT_EQ(read_everything(*p), expected);
  EXPECT_EQ(read_everything(*p, Offset(0), 1000), expected);

  Bytes ranged;
  auto ranges = p->read_ranges(Offset(0), 1 << 20);
  ASSERT_TRUE(ranges.ok());
  EXPECT_EQ(ranges->ranges.size(), 5u);
  ASSERT_TRUE(ranges->copy_to(ranged).ok());
  EXPECT_EQ(ranged, expected);

  // A small batch still fits; once the segment is older than segment_age, the next append
  // starts a new one.
  append_ok(*p, 1, 10, 99);
  EXPECT_EQ(p->stats().segment_count, 5u);
  clock_.advance(std::chrono::minutes(11));
  append_ok(*p, 1, 10, 100);
  EXPECT_EQ(p->stats().segment_count, 6u);
}

TEST_F(PartitionTest, FindsOffsetsByTimestamp) {
  auto p = open_partition(settings_with(FlushPolicy::none(), 2048));
  int64_t t0 = clock_.wall_millis();
  for (int i = 0; i < 30; ++i) {
    append_ok(*p, 2, 300, static_cast<uint32_t>(i));
    clock_.advance(std::chrono::seconds(1));
  }
  auto found = p->find_offset_by_timestamp(t0 + 12'500);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->offset, Offset(26));
  EXPECT_EQ((*found)->max_timestamp, t0 + 13'000);
  auto first = p->find_offset_by_timestamp(0);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ((*first)->offset, Offset(0));
  auto none = p->find_offset_by_timestamp(t0 + 100'000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(PartitionTest, ReopenFindsEverythingAfterACleanClose) {
  Bytes expected;
  {
    auto p = open_partition(settings_with(FlushPolicy::none(), 4096));
    for (int i = 0; i < 30; ++i) {
      Bytes b = append_ok(*p, 3, 200, static_cast<uint32_t>(i));
      expected.insert(expected.end(), b.begin(), b.end());
    }
    p->close();
    EXPECT_EQ(p->append(make_batch(1, 1, 1)).status().code(), make_error_code(Errc::kClosed));
  }
  auto p = open_partition(settings_with(FlushPolicy::none(), 4096));
  EXPECT_TRUE(notes_.empty()) << notes_.front();
  EXPECT_EQ(p->high_watermark(), Offset(90));
  EXPECT_EQ(read_everything(*p), expected);
  auto r = p->append(make_batch(1, 10, 5));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->base_offset, Offset(90));
}

TEST_F(PartitionTest, FlushAlwaysAcknowledgesAndShowsOnlyWhatIsSynced) {
  auto p = open_partition(settings_with(FlushPolicy::always()));
  // Hold the flusher inside its fdatasync until released.
  std::mutex gate_mutex;
  std::condition_variable gate_cv;
  bool gate_open = false;
  std::atomic<int> syncs_started{0};
  fs_.set_sync_hook([&](const std::filesystem::path&) {
    syncs_started.fetch_add(1);
    std::unique_lock lock(gate_mutex);
    gate_cv.wait(lock, [&] { return gate_open; });
  });

  std::atomic<int> acked{0};
  auto count_ack = [&](const Result<AppendResult>& r) {
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    acked.fetch_add(1);
  };
  p->append(make_batch(1, 50, 1), count_ack);
  while (syncs_started.load() == 0) std::this_thread::yield();
  // The first append is being synced; ten more pile up behind that fdatasync.
  for (int i = 0; i < 10; ++i) p->append(make_batch(1, 50, 2 + i), count_ack);
  EXPECT_EQ(acked.load(), 0);
  EXPECT_EQ(p->high_watermark(), Offset(0));
  auto nothing = p->read(Offset(0), 1 << 20);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing->batch_count, 0);

  uint64_t syncs_before = fs_.sync_count();
  {
    std::lock_guard lock(gate_mutex);
    gate_open = true;
  }
  gate_cv.notify_all();
  while (acked.load() < 11) std::this_thread::yield();
  EXPECT_EQ(p->high_watermark(), Offset(11));
  // The ten waiting appends shared one fdatasync of the segment (the first flush also synced
  // the directory, for the new segment file).
  EXPECT_LE(fs_.sync_count() - syncs_before, 2u);
  fs_.set_sync_hook({});
  EXPECT_EQ(read_everything(*p).size(), 11 * (kBatchHeaderSize + 50));
}

TEST_F(PartitionTest, FlushAlwaysWithConcurrentAppendersLosesNothing) {
  auto p = open_partition(settings_with(FlushPolicy::always(), int64_t{64} * 1024));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> offsets(kThreads);
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = p->append(make_batch(2, 500, static_cast<uint32_t>(t * 1000 + i)));
        ASSERT_TRUE(r.ok()) << r.status().to_string();
        // Acknowledged means visible.
        EXPECT_GT(p->high_watermark(), r->last_offset);
        offsets[t].push_back(r->base_offset.value());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(p->high_watermark(), Offset(int64_t{kThreads} * kPerThread * 2));
  auto batches = split_batches(read_everything(*p));
  EXPECT_EQ(batches.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(PartitionTest, IntervalPolicySyncsInTheBackground) {
  auto p = open_partition(settings_with(FlushPolicy::every(std::chrono::milliseconds(200))));
  uint64_t before = fs_.sync_count();
  append_ok(*p, 1, 10, 1);
  // Visible at once, synced later.
  EXPECT_EQ(p->high_watermark(), Offset(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(fs_.sync_count(), before);
  clock_.advance(std::chrono::milliseconds(250));
  flusher_.poke();
  for (int i = 0; i < 500 && fs_.sync_count() == before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_GT(fs_.sync_count(), before);
}

TEST_F(PartitionTest, DiskFullFailsTheAppendAndAppendsResumeWhenSpaceReturns) {
  auto p = open_partition(settings_with(FlushPolicy::none(), 4096));
  Bytes first = append_ok(*p, 2, 300, 1);
  fs_.set_write_budget(100);  // less than a batch
  auto full = p->append(make_batch(2, 300, 2));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), make_error_code(Errc::kStorage));
  EXPECT_NE(full.status().message().find("No space left"), std::string::npos)
      << full.status().message();
  EXPECT_EQ(p->high_watermark(), Offset(2));
  EXPECT_EQ(read_everything(*p), first);
  // The half-written batch is gone from the file too.
  auto log_size = fs_.stat(partition_dir() / Segment::log_file_name(Offset(0)));
  EXPECT_EQ(log_size->size, first.size());

  fs_.set_write_budget(0);
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(p->append(make_batch(2, 300, 3)).ok());

  fs_.set_write_budget(std::nullopt);
  Bytes second = append_ok(*p, 2, 300, 4);
  EXPECT_EQ(RecordBatchHeader::parse(second)->base_offset, 2);
  Bytes both = first;
  both.insert(both.end(), second.begin(), second.end());
  EXPECT_EQ(read_everything(*p), both);
  p->close();
  p = open_partition(settings_with(FlushPolicy::none(), 4096));
  EXPECT_EQ(read_everything(*p), both);
}

TEST_F(PartitionTest, DiskFullAtARollLeavesTheLogUsable) {
  auto p = open_partition(settings_with(FlushPolicy::none(), 1024));
  Bytes expected;
  for (int i = 0; i < 2; ++i) {
    Bytes b = append_ok(*p, 1, 400, static_cast<uint32_t>(i));
    expected.insert(expected.end(), b.begin(), b.end());
  }
  fs_.set_write_budget(0);  // the next append must roll, and its write fails
  EXPECT_EQ(p->append(make_batch(1, 400, 9)).status().code(), make_error_code(Errc::kStorage));
  fs_.set_write_budget(std::nullopt);
  Bytes b = append_ok(*p, 1, 400, 10);
  expected.insert(expected.end(), b.begin(), b.end());
  EXPECT_EQ(read_everything(*p), expected);
  p->close();
  p = open_partition(settings_with(FlushPolicy::none(), 1024));
  EXPECT_EQ(read_everything(*p), expected);
}

TEST_F(PartitionTest, FailedFsyncFailsWaitingAppendsAndStopsAppends) {
  auto p = open_partition(settings_with(FlushPolicy::always()));
  append_ok(*p, 1, 10, 1);
  fs_.set_sync_error(std::make_error_code(std::errc::io_error));
  auto failed = p->append(make_batch(1, 10, 2));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), make_error_code(Errc::kStorage));
  EXPECT_NE(failed.status().message().find("fdatasync failed"), std::string::npos);
  EXPECT_EQ(p->high_watermark(), Offset(1));
  fs_.set_sync_error({});
  EXPECT_EQ(p->append(make_batch(1, 10, 3)).status().code(), make_error_code(Errc::kStorage));
  p->close();
  // Reopening brings it back.
  p = open_partition(settings_with(FlushPolicy::always()));
  auto r = p->append(make_batch(1, 10, 4));
  ASSERT_TRUE(r.ok()) << r.status().to_string();
}

TEST_F(PartitionTest, WaitForDataWakesOnAppendAndTimesOut) {
  auto p = open_partition(settings_with(FlushPolicy::none()));
  EXPECT_EQ(p->wait_for_data(Offset(0), std::chrono::milliseconds(10)), Offset(0));
  auto waiter = std::async(std::launch::async,
                           [&] { return p->wait_for_data(Offset(0), std::chrono::seconds(30)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  append_ok(*p, 2, 10, 1);
  EXPECT_EQ(waiter.get(), Offset(2));
  // Already available: no wait at all.
  EXPECT_EQ(p->wait_for_data(Offset(1), std::chrono::seconds(30)), Offset(2));
}

TEST_F(PartitionTest, WatchFiresOnceWhenDataArrivesOrOnClose) {
  auto p = open_partition(settings_with(FlushPolicy::none()));
  std::atomic<int> fired{0};
  auto id = p->watch(Offset(0), [&] { fired.fetch_add(1); });
  ASSERT_TRUE(id.has_value());
  auto cancelled = p->watch(Offset(0), [&] { fired.fetch_add(100); });
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_TRUE(p->unwatch(*cancelled));
  EXPECT_FALSE(p->unwatch(*cancelled));

  append_ok(*p, 1, 10, 1);
  EXPECT_EQ(fired.load(), 1);
  append_ok(*p, 1, 10, 2);
  EXPECT_EQ(fired.load(), 1);
  EXPECT_FALSE(p->unwatch(*id));
  // Data already there: nothing is registered.
  EXPECT_FALSE(p->watch(Offset(1), [&] { fired.fetch_add(1000); }).has_value());

  auto on_close = p->watch(Offset(2), [&] { fired.fetch_add(10); });
  ASSERT_TRUE(on_close.has_value());
  p->close();
  EXPECT_EQ(fired.load(), 11);
}

TEST_F(PartitionTest, WatchUnderFlushAlwaysFiresAfterTheSync) {
  auto p = open_partition(settings_with(FlushPolicy::always()));
  std::promise<Offset> seen;
  auto id = p->watch(Offset(0), [&] { seen.set_value(p->high_watermark()); });
  ASSERT_TRUE(id.has_value());
  append_ok(*p, 3, 10, 1);
  EXPECT_EQ(seen.get_future().get(), Offset(3));
}

}  // namespace
}  // namespace caudal::log
