#include "log/segment_index.h"

#include <gtest/gtest.h>

#include "log/tests/storage_test_support.h"

namespace caudal::log {
namespace {

// Batches of 10 records and 1000 bytes each, timestamps 100, 110, 120, ...
// (The index is neither copyable nor movable: readers hold on to its entries.)
void fill(SegmentIndex& index, int batches) {
  for (int i = 0; i < batches; ++i) {
    index.add_batch(Offset(1000 + 10 * i), uint64_t{1000} * i, 100 + 10 * i);
  }
}

TEST(SegmentIndexTest, IndexesOnePointPerInterval) {
  SegmentIndex index(Offset(1000), 4096);
  fill(index, 20);
  // Positions 0..19000; entries at 5000, 10000, 15000 (the first batch is implicit).
  ASSERT_EQ(index.entry_count(), 3u);
  EXPECT_EQ(index.entry(0), (IndexEntry{50, 5000, 150}));
  EXPECT_EQ(index.entry(2), (IndexEntry{150, 15000, 250}));
  EXPECT_EQ(index.max_timestamp(), 290);
}

TEST(SegmentIndexTest, FloorFindsTheBatchToScanFrom) {
  SegmentIndex index(Offset(1000), 4096);
  fill(index, 20);
  EXPECT_EQ(index.floor(Offset(1000)).position, 0u);
  EXPECT_EQ(index.floor(Offset(1049)).position, 0u);
  EXPECT_EQ(index.floor(Offset(1050)).position, 5000u);
  EXPECT_EQ(index.floor(Offset(1050)).offset, Offset(1050));
  EXPECT_EQ(index.floor(Offset(1149)).position, 10000u);
  EXPECT_EQ(index.floor(Offset(99999)).position, 15000u);
  EXPECT_EQ(index.floor_position(9999).position, 5000u);
  EXPECT_EQ(index.floor_position(10000).position, 10000u);
  EXPECT_EQ(index.floor_position(10).position, 0u);
}

TEST(SegmentIndexTest, BeforeTimestampNeverSkipsAMatch) {
  SegmentIndex index(Offset(1000), 4096);
  fill(index, 20);
  // Entries carry max timestamps 150, 200, 250. Everything before an entry with a smaller
  // timestamp is older, so scanning may start there.
  EXPECT_EQ(index.before_timestamp(100).position, 0u);
  EXPECT_EQ(index.before_timestamp(150).position, 0u);
  EXPECT_EQ(index.before_timestamp(151).position, 5000u);
  EXPECT_EQ(index.before_timestamp(251).position, 15000u);
}

TEST(SegmentIndexTest, PersistsAndLoadsEntries) {
  testing::TempDir dir;
  auto file = PosixFileSystem::instance().open(dir.path() / "i", OpenMode::kReadWrite);
  ASSERT_TRUE(file.ok());
  SegmentIndex index(Offset(1000), 4096);
  fill(index, 12);
  ASSERT_TRUE(index.write_new_entries(**file).ok());
  index.add_batch(Offset(1120), 12000, 500);
  index.add_batch(Offset(1130), 16000, 510);
  ASSERT_TRUE(index.write_new_entries(**file).ok());
  EXPECT_EQ((*file)->size().value(), 3 * SegmentIndex::kEntrySize);

  Bytes bytes(48);
  ASSERT_EQ((*file)->read_at(0, bytes).value(), 48u);
  SegmentIndex loaded(Offset(1000), 4096);
  EXPECT_EQ(loaded.load(bytes, 20000), 3u);
  EXPECT_EQ(loaded.entry(2), (IndexEntry{130, 16000, 510}));
  EXPECT_EQ(loaded.max_timestamp(), 510);
  // Entries past the size limit are not believed.
  EXPECT_EQ(loaded.load(bytes, 16000), 2u);
}

TEST(SegmentIndexTest, LoadKeepsOnlyTheConsistentPrefix) {
  SegmentIndex index(Offset(1000), 4096);
  fill(index, 20);
  Bytes bytes(4 * SegmentIndex::kEntrySize);
  for (size_t i = 0; i < 3; ++i) {
    IndexEntry e = index.entry(i);
    store_be32(bytes.data() + i * 16, e.relative_offset);
    store_be32(bytes.data() + i * 16 + 4, e.position);
    store_be64(bytes.data() + i * 16 + 8, static_cast<uint64_t>(e.max_timestamp));
  }
  // A fourth entry going backwards, as garbage would.
  store_be32(bytes.data() + 48, 20);
  store_be32(bytes.data() + 52, 99999);
  SegmentIndex loaded(Offset(1000), 4096);
  EXPECT_EQ(loaded.load(bytes, 1u << 30), 3u);

  Bytes garbage(160, 0xFF);
  EXPECT_EQ(loaded.load(garbage, 1u << 30), 0u);
  EXPECT_EQ(loaded.entry_count(), 0u);
  EXPECT_EQ(loaded.max_timestamp(), -1);
}

}  // namespace
}  // namespace caudal::log
