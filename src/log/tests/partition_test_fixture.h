// A fixture for tests that drive a Partition: a temporary data directory, a fault-injecting
// file system over the real one, a manual clock and a flusher.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/fault_injecting_file_system.h"
#include "log/flusher.h"
#include "log/partition.h"
#include "log/tests/storage_test_support.h"

namespace caudal::log::testing {

class PartitionFixture : public ::testing::Test {
 protected:
  std::filesystem::path partition_dir() const { return dir_.path() / "orders" / "3"; }

  std::shared_ptr<Partition> open_partition(const TopicSettings& settings) {
    return open_partition_in(partition_dir(), settings);
  }

  std::shared_ptr<Partition> open_partition_in(const std::filesystem::path& dir,
                                               const TopicSettings& settings) {
    PartitionOptions options;
    options.fs = &fs_;
    options.clock = &clock_;
    options.flusher = &flusher_;
    options.index_interval_bytes = 512;
    notes_.clear();
    auto p =
        Partition::open(TopicPartition{"orders", PartitionId(3)}, dir, settings, options, &notes_);
    EXPECT_TRUE(p.ok()) << p.status().to_string();
    return p.ok() ? *p : nullptr;
  }

  static TopicSettings settings_with(FlushPolicy flush, int64_t segment_bytes = 1 << 20) {
    TopicSettings s;
    s.flush = flush;
    s.segment_bytes = segment_bytes;
    return s;
  }

  // Appends a batch of `records` records and `body` bytes and returns it as stored.
  Bytes append_ok(Partition& p, int32_t records, size_t body, uint32_t seed) {
    Bytes batch = make_batch(records, body, seed, clock_.wall_millis());
    auto r = p.append(batch);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? as_stored(batch, r->base_offset.value()) : Bytes();
  }

  // A copy of the partition's files as a crash would leave them: whatever was written, synced
  // or not (a process crash keeps the page cache).
  std::filesystem::path crash_image(const std::string& name) const {
    std::filesystem::path image = dir_.path() / name;
    std::filesystem::copy(partition_dir(), image, std::filesystem::copy_options::recursive);
    return image;
  }

  // Every batch from `from` to the high watermark, read in pieces of `chunk` bytes.
  Bytes read_everything(const Partition& p, Offset from = Offset(0), size_t chunk = 1 << 20) {
    Bytes all;
    Offset at = from;
    while (at < p.high_watermark()) {
      auto r = p.read(at, chunk);
      EXPECT_TRUE(r.ok()) << r.status().to_string();
      if (!r.ok() || r->batch_count == 0) break;
      all.insert(all.end(), r->bytes.begin(), r->bytes.end());
      at = r->next_offset;
    }
    return all;
  }

  TempDir dir_;
  FaultInjectingFileSystem fs_{PosixFileSystem::instance()};
  ManualClock clock_;
  Flusher flusher_{clock_};
  std::vector<std::string> notes_;
};

}  // namespace caudal::log::testing
