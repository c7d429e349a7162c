// Retention by time (with a manual clock) and by size: whole segments go, oldest first, the
// log start offset moves, and reads below it are refused clearly.
#include <gtest/gtest.h>

#include "log/errc.h"
#include "log/partition.h"
#include "log/tests/partition_test_fixture.h"

namespace caudal::log {
namespace {

using testing::make_batch;

class RetentionTest : public testing::PartitionFixture {
 protected:
  // 961-byte batches of 2 records: four fit a 4096-byte segment.
  void append_minutes(Partition& p, int batches) {
    for (int i = 0; i < batches; ++i) {
      append_ok(p, 2, 900, static_cast<uint32_t>(i));
      clock_.advance(std::chrono::minutes(1));
    }
  }
};

TEST_F(RetentionTest, DeletesSegmentsWhoseNewestRecordIsTooOld) {
  TopicSettings s = settings_with(FlushPolicy::none(), 4096);
  s.retention = std::chrono::minutes(30);
  auto p = open_partition(s);
  append_minutes(*p, 40);  // t = 0..39 min; 10 segments of 4 batches
  ASSERT_EQ(p->stats().segment_count, 10u);

  // Now t = 40 min: segments whose newest batch is older than t = 10 min go.
  auto r = p->enforce_retention();
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  // Segment k holds batches 4k..4k+3, newest at minute 4k+3: k = 0, 1 are older than 10 min.
  EXPECT_EQ(r->segments_deleted, 2u);
  EXPECT_EQ(r->bytes_deleted, 8u * 961);
  EXPECT_EQ(r->log_start_offset, Offset(16));
  EXPECT_EQ(p->log_start_offset(), Offset(16));
  EXPECT_FALSE(std::filesystem::exists(partition_dir() / Segment::log_file_name(Offset(0))));
  EXPECT_FALSE(std::filesystem::exists(partition_dir() / Segment::index_file_name(Offset(8))));

  auto below = p->read(Offset(3), 1 << 20);
  ASSERT_FALSE(below.ok());
  EXPECT_EQ(below.status().code(), make_error_code(Errc::kOffsetOutOfRange));
  EXPECT_NE(below.status().message().find(
                "topic orders partition 3: offset 3 is below the log start offset 16"),
            std::string::npos)
      << below.status().message();
  auto first = p->read(Offset(16), 1 << 20);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->log_start_offset, Offset(16));
  EXPECT_EQ(testing::split_batches(first->bytes).front().first, 16);

  // Nothing more is due until time passes; then all of it, the active segment included.
  EXPECT_EQ(p->enforce_retention()->segments_deleted, 0u);
  clock_.advance(std::chrono::hours(1));
  r = p->enforce_retention();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->segments_deleted, 8u);
  EXPECT_EQ(p->log_start_offset(), Offset(80));
  EXPECT_EQ(p->high_watermark(), Offset(80));
  auto appended = p->append(make_batch(1, 10, 1, clock_.wall_millis()));
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->base_offset, Offset(80));
  EXPECT_EQ(appended->log_start_offset, Offset(80));
}

TEST_F(RetentionTest, DeletesOldestSegmentsBeyondRetentionBytes) {
  TopicSettings s = settings_with(FlushPolicy::none(), 4096);
  s.retention = std::nullopt;
  s.retention_bytes = 10'000;
  auto p = open_partition(s);
  append_minutes(*p, 40);  // 10 segments of 3844 bytes
  auto r = p->enforce_retention();
  ASSERT_TRUE(r.ok());
  // Keeps the newest segments while they hold at least retention_bytes: 3 of them (11532).
  EXPECT_EQ(r->segments_deleted, 7u);
  EXPECT_EQ(p->stats().size_bytes, 3u * 3844);
  EXPECT_EQ(p->log_start_offset(), Offset(56));
  EXPECT_EQ(p->enforce_retention()->segments_deleted, 0u);
}

TEST_F(RetentionTest, ReadersKeepWhatTheyHoldAndReopenAgrees) {
  TopicSettings s = settings_with(FlushPolicy::none(), 4096);
  s.retention = std::chrono::minutes(5);
  auto p = open_partition(s);
  append_minutes(*p, 20);
  Bytes expected = read_everything(*p, Offset(0), 8000);
  auto held = p->read_ranges(Offset(0), 1 << 20);
  ASSERT_TRUE(held.ok());
  ASSERT_GT(p->enforce_retention()->segments_deleted, 0u);
  // The deleted files stay readable through the ranges taken before.
  Bytes copied;
  ASSERT_TRUE(held->copy_to(copied).ok());
  EXPECT_EQ(copied, expected);

  Offset start = p->log_start_offset();
  p->close();
  p = open_partition(s);
  EXPECT_EQ(p->log_start_offset(), start);
  EXPECT_TRUE(notes_.empty()) << notes_.front();
}

}  // namespace
}  // namespace caudal::log
