// Opening a partition after a crash: torn tails are cut, damaged or missing indexes and
// recovery points are survived, and only the bytes after the recovery point are checked.
#include <gtest/gtest.h>

#include "log/errc.h"
#include "log/partition.h"
#include "log/partition_recovery.h"
#include "log/tests/partition_test_fixture.h"

namespace caudal::log {
namespace {

using testing::make_batch;

class RecoveryTest : public testing::PartitionFixture {
 protected:
  static constexpr size_t kBatchSize = kBatchHeaderSize + 400;

  // `batches` batches of 2 records (461 bytes), as stored, concatenated.
  Bytes fill(Partition& p, int batches, uint32_t seed = 0) {
    Bytes all;
    for (int i = 0; i < batches; ++i) {
      Bytes b = append_ok(p, 2, 400, seed + static_cast<uint32_t>(i));
      all.insert(all.end(), b.begin(), b.end());
    }
    return all;
  }

  static void truncate_file(const std::filesystem::path& path, uint64_t size) {
    std::filesystem::resize_file(path, size);
  }

  static void flip_byte(const std::filesystem::path& path, uint64_t position) {
    auto file = PosixFileSystem::instance().open(path, OpenMode::kReadWrite);
    uint8_t b = 0;
    ASSERT_TRUE((*file)->read_at(position, std::span(&b, 1)).ok());
    b ^= 0x10;
    ASSERT_TRUE((*file)->write_at(position, ByteView(&b, 1)).ok());
  }

  bool has_note(std::string_view text) const {
    for (const auto& n : notes_) {
      if (n.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(RecoveryTest, TornTailIsCutAndAppendsContinueAfterIt) {
  TopicSettings s = settings_with(FlushPolicy::none(), 8192);
  auto p = open_partition(s);
  Bytes all = fill(*p, 30);
  std::filesystem::path image = crash_image("crash");
  // The last segment (17 batches of 461 bytes fit an 8 KiB segment, so it starts at offset
  // 34) lost half its last batch.
  std::filesystem::path last = image / Segment::log_file_name(Offset(34));
  uint64_t size = std::filesystem::file_size(last);
  truncate_file(last, size - kBatchSize / 2);

  auto recovered = open_partition_in(image, s);
  EXPECT_TRUE(has_note("topic orders partition 3: " + Segment::log_file_name(Offset(34)) + ": cut"))
      << ::testing::PrintToString(notes_);
  EXPECT_TRUE(has_note("not shut down cleanly"));
  EXPECT_EQ(recovered->high_watermark(), Offset(58));
  Bytes expected(all.begin(), all.end() - kBatchSize);
  EXPECT_EQ(read_everything(*recovered), expected);
  auto r = recovered->append(make_batch(1, 10, 99));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->base_offset, Offset(58));
}

TEST_F(RecoveryTest, OnlyBytesAfterTheRecoveryPointAreChecked) {
  TopicSettings s = settings_with(FlushPolicy::none(), int64_t{64} * 1024);
  auto p = open_partition(s);
  fill(*p, 600);  // about 4 segments
  ASSERT_TRUE(p->flush().ok());
  Bytes tail = fill(*p, 5, 1000);
  std::filesystem::path image = crash_image("crash");

  auto r = recover_partition(fs_, image, 512, clock_.wall_now());
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->bytes_checked, tail.size());
  EXPECT_EQ(r->segments.back()->next_offset(), Offset(1210));

  // After a clean close there is nothing to check at all.
  p->close();
  auto clean = recover_partition(fs_, partition_dir(), 512, clock_.wall_now());
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->bytes_checked, 0u);
  EXPECT_TRUE(clean->notes.empty());
}

TEST_F(RecoveryTest, GarbageAndMissingIndexesAreRebuilt) {
  TopicSettings s = settings_with(FlushPolicy::none(), int64_t{16} * 1024);
  auto p = open_partition(s);
  Bytes all = fill(*p, 100);
  p->close();
  p.reset();
  {
    std::FILE* f =
        std::fopen((partition_dir() / Segment::index_file_name(Offset(0))).c_str(), "r+");
    std::fputs("this is not an index, not at all, not even close", f);
    std::fclose(f);
  }
  std::filesystem::remove(partition_dir() / Segment::index_file_name(Offset(70)));

  p = open_partition(s);
  EXPECT_TRUE(has_note(Segment::log_file_name(Offset(0)) + ": index missing or inconsistent"))
      << ::testing::PrintToString(notes_);
  EXPECT_TRUE(has_note(Segment::log_file_name(Offset(70)) + ": index missing or inconsistent"));
  EXPECT_EQ(read_everything(*p), all);
  // Offsets found through the rebuilt index.
  auto mid = p->read(Offset(41), 1);
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(testing::split_batches(mid->bytes).front().first, 40);
}

TEST_F(RecoveryTest, MissingOrCorruptRecoveryPointMeansCheckingEverything) {
  TopicSettings s = settings_with(FlushPolicy::none(), int64_t{16} * 1024);
  auto p = open_partition(s);
  Bytes all = fill(*p, 60);
  p->close();
  p.reset();
  std::filesystem::path point = partition_dir() / RecoveryPoint::kFileName;
  flip_byte(point, 10);
  p = open_partition(s);
  EXPECT_TRUE(has_note("recovery point unreadable")) << ::testing::PrintToString(notes_);
  EXPECT_EQ(read_everything(*p), all);
  p->close();
  p.reset();

  std::filesystem::remove(point);
  auto r = recover_partition(fs_, partition_dir(), 512, clock_.wall_now());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->bytes_checked, all.size());
  EXPECT_NE(r->notes.at(0).find("no recovery point"), std::string::npos);
}

TEST_F(RecoveryTest, SegmentsAfterACutAreRemoved) {
  TopicSettings s = settings_with(FlushPolicy::none(), 8192);
  auto p = open_partition(s);
  Bytes all = fill(*p, 50);  // segments at 0, 34, 68
  p->close();
  p.reset();
  // Without a recovery point everything is checked, and damage in the first segment ends
  // the log there: what follows a gap cannot be served.
  std::filesystem::remove(partition_dir() / RecoveryPoint::kFileName);
  flip_byte(partition_dir() / Segment::log_file_name(Offset(0)), 5 * kBatchSize + 200);
  p = open_partition(s);
  EXPECT_TRUE(has_note("removed 2 segment(s) from " + Segment::log_file_name(Offset(34))))
      << ::testing::PrintToString(notes_);
  EXPECT_TRUE(has_note(Segment::log_file_name(Offset(0)) + ": cut"));
  EXPECT_EQ(p->high_watermark(), Offset(10));
  EXPECT_EQ(read_everything(*p), Bytes(all.begin(), all.begin() + 5 * kBatchSize));
  EXPECT_FALSE(std::filesystem::exists(partition_dir() / Segment::log_file_name(Offset(68))));
  EXPECT_EQ(p->append(make_batch(1, 1, 1))->base_offset, Offset(10));
}

TEST_F(RecoveryTest, DurableDataThatVanishedIsCheckedAgain) {
  TopicSettings s = settings_with(FlushPolicy::always(), 1 << 20);
  auto p = open_partition(s);
  Bytes all = fill(*p, 20);
  ASSERT_TRUE(p->flush().ok());
  std::filesystem::path image = crash_image("crash");
  truncate_file(image / Segment::log_file_name(Offset(0)), 10 * kBatchSize + 7);
  auto recovered = open_partition_in(image, s);
  EXPECT_TRUE(has_note("shorter than the")) << ::testing::PrintToString(notes_);
  EXPECT_EQ(recovered->high_watermark(), Offset(20));
}

}  // namespace
}  // namespace caudal::log
