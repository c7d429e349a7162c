#include "log/segment.h"

#include <gtest/gtest.h>

#include "log/errc.h"
#include "log/segment_reader.h"
#include "log/tests/storage_test_support.h"

namespace caudal::log {
namespace {

using testing::as_stored;
using testing::make_batch;

class SegmentTest : public ::testing::Test {
 protected:
  std::shared_ptr<Segment> create(Offset base = Offset(100)) {
    auto s = Segment::create(fs_, dir_.path(), base, 256, now_);
    EXPECT_TRUE(s.ok()) << s.status().to_string();
    return *s;
  }

  // Writes and commits `count` batches of 3 records and 200 bytes, returning them as stored.
  std::vector<Bytes> fill(Segment& segment, int count) {
    std::vector<Bytes> stored;
    for (int i = 0; i < count; ++i) {
      Bytes batch = make_batch(3, 200, static_cast<uint32_t>(i), 1000 + i);
      int64_t base = segment.next_offset().value();
      Bytes header = as_stored(Bytes(batch.begin(), batch.begin() + kBatchHeaderSize), base);
      BatchMeta meta{Offset(base), Offset(base + 2), 0, 0, 1000 + i};
      EXPECT_TRUE(
          segment.write(header, ByteView(batch).subspan(kBatchHeaderSize), meta, now_).ok());
      stored.push_back(as_stored(batch, base));
    }
    segment.commit_through(Offset(segment.next_offset().value() - 1));
    return stored;
  }

  std::shared_ptr<Segment> reopen(Offset base, uint64_t trusted_end, SegmentRecovery* r) {
    auto s = Segment::open(fs_, dir_.path(), base, 256, now_);
    EXPECT_TRUE(s.ok());
    auto recovered = (*s)->recover(trusted_end, true);
    EXPECT_TRUE(recovered.ok()) << recovered.status().to_string();
    if (recovered.ok()) *r = *recovered;
    return *s;
  }

  Bytes read_all(const Segment& segment) {
    BatchRead out;
    auto position = locate_batch(segment, segment.base_offset(), segment.committed_size());
    EXPECT_TRUE(position.ok() && position->has_value());
    auto more =
        copy_batches(segment, **position, segment.committed_size(), Offset(1 << 30), 1 << 30, out);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    return out.bytes;
  }

  testing::TempDir dir_;
  PosixFileSystem& fs_ = PosixFileSystem::instance();
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

TEST_F(SegmentTest, WrittenBatchesBecomeVisibleOnlyWhenCommitted) {
  auto segment = create();
  Bytes batch = make_batch(2, 50, 1);
  BatchMeta meta{Offset(100), Offset(101), 0, 0, 5};
  Bytes header = as_stored(Bytes(batch.begin(), batch.begin() + kBatchHeaderSize), 100);
  ASSERT_TRUE(segment->write(header, ByteView(batch).subspan(kBatchHeaderSize), meta, now_).ok());
  EXPECT_EQ(segment->written_size(), batch.size());
  EXPECT_EQ(segment->committed_size(), 0u);
  EXPECT_EQ(segment->next_offset(), Offset(102));
  segment->commit_through(Offset(101));
  EXPECT_EQ(segment->committed_size(), batch.size());
  EXPECT_EQ(segment->max_timestamp(), 5);
  EXPECT_EQ(read_all(*segment), as_stored(batch, 100));
}

TEST_F(SegmentTest, LocatesEveryOffsetThroughTheIndex) {
  auto segment = create();
  std::vector<Bytes> stored = fill(*segment, 40);
  ASSERT_GT(segment->index().entry_count(), 10u);
  uint64_t limit = segment->committed_size();
  for (int64_t offset = 100; offset < 220; ++offset) {
    auto at = locate_batch(*segment, Offset(offset), limit);
    ASSERT_TRUE(at.ok() && at->has_value()) << offset;
    int64_t batch = (offset - 100) / 3;
    EXPECT_EQ((*at)->base, Offset(100 + batch * 3));
    EXPECT_EQ((*at)->position, static_cast<uint64_t>(batch) * stored[0].size());
  }
  auto past = locate_batch(*segment, Offset(220), limit);
  ASSERT_TRUE(past.ok());
  EXPECT_FALSE(past->has_value());
}

TEST_F(SegmentTest, CopyHonoursBudgetHighWatermarkAndTakesOneWholeBatch) {
  auto segment = create();
  std::vector<Bytes> stored = fill(*segment, 10);
  size_t batch_size = stored[0].size();
  uint64_t limit = segment->committed_size();

  BatchRead two;
  auto more = copy_batches(*segment, BatchPosition{0, Offset(100)}, limit, Offset(1000),
                           2 * batch_size + 10, two);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(two.batch_count, 2);
  EXPECT_EQ(two.next_offset, Offset(106));

  BatchRead tiny;
  ASSERT_TRUE(
      copy_batches(*segment, BatchPosition{0, Offset(100)}, limit, Offset(1000), 1, tiny).ok());
  EXPECT_EQ(tiny.batch_count, 1);
  EXPECT_EQ(tiny.bytes, stored[0]);

  BatchRead below_hwm;
  ASSERT_TRUE(
      copy_batches(*segment, BatchPosition{0, Offset(100)}, limit, Offset(109), 1 << 20, below_hwm)
          .ok());
  EXPECT_EQ(below_hwm.batch_count, 3);

  BatchRead all;
  more = copy_batches(*segment, BatchPosition{0, Offset(100)}, limit, Offset(1000), 1 << 20, all);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(*more);  // reached the end of the segment
  EXPECT_EQ(all.batch_count, 10);
}

TEST_F(SegmentTest, RangesCoverWholeBatchesWithinBudget) {
  auto segment = create();
  std::vector<Bytes> stored = fill(*segment, 30);
  size_t batch_size = stored[0].size();
  FileRead ranges;
  auto more = collect_ranges(*segment, BatchPosition{batch_size, Offset(103)},
                             segment->committed_size(), Offset(1000), 7 * batch_size + 3, ranges);
  ASSERT_TRUE(more.ok()) << more.status().to_string();
  ASSERT_EQ(ranges.ranges.size(), 1u);
  EXPECT_EQ(ranges.ranges[0].position, batch_size);
  EXPECT_EQ(ranges.ranges[0].length, 7 * batch_size);
  EXPECT_EQ(ranges.next_offset, Offset(124));
  Bytes copied;
  ASSERT_TRUE(ranges.copy_to(copied).ok());
  Bytes expected;
  for (int i = 1; i <= 7; ++i) expected.insert(expected.end(), stored[i].begin(), stored[i].end());
  EXPECT_EQ(copied, expected);
}

TEST_F(SegmentTest, FindsTheFirstBatchAtOrAfterATimestamp) {
  auto segment = create();
  fill(*segment, 30);  // timestamps 1000..1029
  uint64_t limit = segment->committed_size();
  auto found = find_batch_by_timestamp(*segment, 1017, limit, Offset(1000));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->offset, Offset(100 + 17 * 3));
  EXPECT_EQ((*found)->max_timestamp, 1017);
  auto none = find_batch_by_timestamp(*segment, 5000, limit, Offset(1000));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(SegmentTest, RecoveryCutsATornTailAndKeepsTheIndex) {
  auto segment = create();
  std::vector<Bytes> stored = fill(*segment, 20);
  ASSERT_TRUE(segment->seal_index().ok());
  uint64_t full = segment->written_size();
  // A torn last batch: half of it made it to the disk.
  ASSERT_TRUE(segment->file()->truncate(full - stored[0].size() / 2).ok());
  segment.reset();

  SegmentRecovery r;
  auto recovered = reopen(Offset(100), 0, &r);
  EXPECT_EQ(r.valid_size, full - stored[0].size());
  EXPECT_EQ(r.cut_bytes, stored[0].size() - stored[0].size() / 2);
  EXPECT_NE(r.cut_reason.find("cut short"), std::string::npos) << r.cut_reason;
  EXPECT_EQ(recovered->next_offset(), Offset(100 + 19 * 3));
  EXPECT_EQ(recovered->file()->size().value(), r.valid_size);
  Bytes all = read_all(*recovered);
  Bytes expected;
  for (int i = 0; i < 19; ++i) expected.insert(expected.end(), stored[i].begin(), stored[i].end());
  EXPECT_EQ(all, expected);
}

TEST_F(SegmentTest, RecoveryCutsAtTheFirstBadCrcAfterTheTrustedPart) {
  auto segment = create();
  std::vector<Bytes> stored = fill(*segment, 20);
  size_t batch_size = stored[0].size();
  // Damage batch 15's records region.
  uint8_t bad = 0x5A;
  ASSERT_TRUE(segment->file()->write_at(15 * batch_size + 100, ByteView(&bad, 1)).ok());
  segment.reset();

  SegmentRecovery r;
  auto recovered = reopen(Offset(100), 10 * batch_size, &r);
  EXPECT_EQ(r.valid_size, 15 * batch_size);
  EXPECT_NE(r.cut_reason.find("CRC"), std::string::npos) << r.cut_reason;
  EXPECT_EQ(recovered->next_offset(), Offset(145));
}

TEST_F(SegmentTest, RecoveryRebuildsAMissingOrGarbageIndex) {
  auto segment = create();
  fill(*segment, 50);
  ASSERT_TRUE(segment->seal_index().ok());
  size_t entries = segment->index().entry_count();
  ASSERT_GT(entries, 5u);
  std::filesystem::path index_path = dir_.path() / Segment::index_file_name(Offset(100));
  uint64_t size = segment->written_size();
  segment.reset();

  // Garbage index.
  {
    auto f = fs_.open(index_path, OpenMode::kReadWrite);
    Bytes junk(entries * 16, 0x7F);
    ASSERT_TRUE((*f)->write_at(0, junk).ok());
  }
  SegmentRecovery r;
  auto recovered = reopen(Offset(100), size, &r);
  EXPECT_TRUE(r.index_rebuilt);
  EXPECT_EQ(r.cut_bytes, 0u);
  EXPECT_EQ(recovered->index().entry_count(), entries);
  EXPECT_EQ(recovered->next_offset(), Offset(250));
  recovered.reset();

  // The rebuilt index was written back: the next open trusts it.
  recovered = reopen(Offset(100), size, &r);
  EXPECT_FALSE(r.index_rebuilt);
  EXPECT_EQ(recovered->index().entry_count(), entries);
  recovered.reset();

  // Missing index.
  ASSERT_TRUE(fs_.remove_file(index_path).ok());
  recovered = reopen(Offset(100), size, &r);
  EXPECT_TRUE(r.index_rebuilt);
  EXPECT_EQ(recovered->index().entry_count(), entries);
}

TEST_F(SegmentTest, IndexThatPointsIntoAnotherFileIsNotBelieved) {
  auto segment = create();
  std::vector<Bytes> stored = fill(*segment, 50);
  ASSERT_TRUE(segment->seal_index().ok());
  uint64_t size = segment->written_size();
  segment.reset();
  // Shift every position by 8 bytes: consistent entries, wrong file.
  std::filesystem::path index_path = dir_.path() / Segment::index_file_name(Offset(100));
  auto bytes = read_whole_file(fs_, index_path);
  for (size_t i = 0; i + 16 <= bytes->size(); i += 16) {
    store_be32(bytes->data() + i + 4, load_be32(bytes->data() + i + 4) + 8);
  }
  ASSERT_TRUE(write_file_atomically(fs_, index_path, *bytes).ok());

  SegmentRecovery r;
  auto recovered = reopen(Offset(100), size, &r);
  EXPECT_TRUE(r.index_rebuilt);
  auto at = locate_batch(*recovered, Offset(200), recovered->committed_size());
  ASSERT_TRUE(at.ok() && at->has_value());
  EXPECT_EQ((*at)->position, 33 * stored[0].size());
}

TEST_F(SegmentTest, DamageInTrustedBytesOfAnOlderSegmentIsKeptAndReported) {
  auto segment = create();
  std::vector<Bytes> stored = fill(*segment, 10);
  size_t batch_size = stored[0].size();
  uint64_t size = segment->written_size();
  // Break batch 4's length field: the header walk cannot get past it.
  uint8_t bad[4] = {0x7F, 0, 0, 0};
  ASSERT_TRUE(segment->file()->write_at(4 * batch_size + 8, ByteView(bad, 4)).ok());
  ASSERT_TRUE(fs_.remove_file(dir_.path() / Segment::index_file_name(Offset(100))).ok());
  segment.reset();

  auto reopened = Segment::open(fs_, dir_.path(), Offset(100), 256, now_);
  auto r = (*reopened)->recover(size, /*cut_damage=*/false);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->damaged_at.has_value());
  EXPECT_EQ(*r->damaged_at, 4 * batch_size);
  EXPECT_EQ(r->cut_bytes, 0u);
  EXPECT_EQ((*reopened)->committed_size(), size);

  BatchRead out;
  auto at = locate_batch(**reopened, Offset(112), size);
  ASSERT_FALSE(at.ok());
  EXPECT_EQ(at.status().code(), make_error_code(Errc::kCorruptData));
  EXPECT_NE(at.status().message().find("offsets from 112"), std::string::npos)
      << at.status().message();
}

TEST_F(SegmentTest, FileNames) {
  EXPECT_EQ(Segment::log_file_name(Offset(42)), "00000000000000000042.log");
  EXPECT_EQ(Segment::index_file_name(Offset(42)), "00000000000000000042.index");
  EXPECT_EQ(Segment::parse_log_file_name("00000000000000000042.log"), Offset(42));
  EXPECT_FALSE(Segment::parse_log_file_name("00000000000000000042.index"));
  EXPECT_FALSE(Segment::parse_log_file_name("0000000000000000004x.log"));
  EXPECT_FALSE(Segment::parse_log_file_name("42.log"));
}

}  // namespace
}  // namespace caudal::log
