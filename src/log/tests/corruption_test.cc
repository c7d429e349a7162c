// Damage at rest: random bytes flipped in closed segments are found when read, reported with
// topic, partition and offsets, and never returned as data.
#include <map>
#include <random>

#include <gtest/gtest.h>

#include "log/errc.h"
#include "log/partition.h"
#include "log/tests/partition_test_fixture.h"

namespace caudal::log {
namespace {

using testing::split_batches;

class CorruptionTest : public testing::PartitionFixture {};

TEST_F(CorruptionTest, FlippedBytesAreDetectedReportedAndNeverServed) {
  TopicSettings s = settings_with(FlushPolicy::none(), int64_t{8} * 1024);
  std::map<int64_t, Bytes> original;  // base offset -> stored batch
  {
    auto p = open_partition(s);
    for (int i = 0; i < 120; ++i) {
      Bytes b = append_ok(*p, 1 + i % 4, 100 + 37 * (i % 9), static_cast<uint32_t>(i));
      original.emplace(RecordBatchHeader::parse(b)->base_offset, b);
    }
    p->close();
  }
  auto segments = PosixFileSystem::instance().list_directory(partition_dir()).value();
  std::vector<std::filesystem::path> closed;
  for (const auto& name : segments) {
    if (name.ends_with(".log")) closed.push_back(partition_dir() / name);
  }
  closed.pop_back();  // the active segment is not "at rest"
  ASSERT_GE(closed.size(), 4u);

  std::mt19937 random(20251121);
  int rounds_with_damage_found = 0;
  for (int round = 0; round < 12; ++round) {
    std::filesystem::path image = dir_.path() / ("round" + std::to_string(round));
    std::filesystem::copy(partition_dir(), image, std::filesystem::copy_options::recursive);
    std::filesystem::path victim = image / closed[random() % closed.size()].filename();
    uint64_t size = std::filesystem::file_size(victim);
    int flips = 1 + static_cast<int>(random() % 3);
    {
      auto f = PosixFileSystem::instance().open(victim, OpenMode::kReadWrite);
      for (int i = 0; i < flips; ++i) {
        uint64_t at = random() % size;
        uint8_t b = 0;
        ASSERT_TRUE((*f)->read_at(at, std::span(&b, 1)).ok());
        b ^= static_cast<uint8_t>(1u << (random() % 8));
        ASSERT_TRUE((*f)->write_at(at, ByteView(&b, 1)).ok());
      }
    }

    auto p = open_partition_in(image, s);
    ASSERT_NE(p, nullptr);
    // Read everything there is, offset by offset past damage, the way a consumer would skip.
    int errors = 0;
    Offset at(0);
    while (at < p->high_watermark()) {
      auto r = p->read(at, 3000);
      if (!r.ok()) {
        ++errors;
        EXPECT_EQ(r.status().code(), make_error_code(Errc::kCorruptData));
        std::string m = r.status().message();
        EXPECT_NE(m.find("topic orders partition 3: offsets "), std::string::npos) << m;
        EXPECT_NE(m.find(victim.filename().string()), std::string::npos) << m;
        at = Offset(at.value() + 1);
        continue;
      }
      ASSERT_GT(r->batch_count, 0);
      for (const auto& [base, bytes] : split_batches(r->bytes)) {
        ASSERT_TRUE(original.contains(base)) << "round " << round << " base " << base;
        EXPECT_EQ(bytes, original[base]) << "round " << round << " served damaged batch " << base;
      }
      at = r->next_offset;
    }
    if (errors > 0) ++rounds_with_damage_found;
    p->close();
  }
  // Every flip lands in some batch, and every byte of a stored batch is checked by something
  // (CRC, length, offsets, magic, epoch), so every round finds its damage.
  EXPECT_EQ(rounds_with_damage_found, 12);
}

}  // namespace
}  // namespace caudal::log
