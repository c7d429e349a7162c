#include "log/producer_state.h"

#include <future>

#include <gtest/gtest.h>

#include "log/errc.h"
#include "log/partition_recovery.h"
#include "log/tests/partition_test_fixture.h"

namespace caudal::log {
namespace {

using testing::make_batch;
using testing::make_producer_batch;
using testing::PartitionFixture;

RecordBatchHeader header(int64_t producer_id, int16_t epoch, int32_t first_sequence,
                         int32_t records) {
  RecordBatchHeader h;
  h.producer_id = producer_id;
  h.producer_epoch = epoch;
  h.base_sequence = first_sequence;
  h.last_offset_delta = records - 1;
  h.record_count = records;
  return h;
}

// Records five batches of 2 records each (sequences 0..9) for producer 7, epoch 3, at offsets
// 100, 102, ...
ProducerStateTable five_batches() {
  ProducerStateTable table;
  for (int i = 0; i < 5; ++i) {
    table.record(header(7, 3, 2 * i, 2), Offset(100 + 2 * i));
  }
  return table;
}

TEST(ProducerStateTable, EachOfTheLastFiveBatchesIsADuplicateWithItsOriginalOffsets) {
  ProducerStateTable table = five_batches();
  for (int i = 0; i < 5; ++i) {
    auto check = table.check(header(7, 3, 2 * i, 2));
    ASSERT_TRUE(check.ok()) << check.status().to_string();
    EXPECT_EQ(check->kind, SequenceCheck::Kind::kDuplicate) << i;
    EXPECT_EQ(check->original.base_offset, Offset(100 + 2 * i));
    EXPECT_EQ(check->original.last_offset, Offset(101 + 2 * i));
  }
}

TEST(ProducerStateTable, ABatchOlderThanTheLastFiveIsOutOfOrder) {
  ProducerStateTable table = five_batches();
  table.record(header(7, 3, 10, 2), Offset(110));  // pushes sequences 0..1 out
  auto check = table.check(header(7, 3, 0, 2));
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), Errc::kOutOfOrderSequence);
}

TEST(ProducerStateTable, TheNextSequenceIsAppended) {
  ProducerStateTable table = five_batches();
  auto check = table.check(header(7, 3, 10, 4));
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->kind, SequenceCheck::Kind::kAppend);
}

TEST(ProducerStateTable, AGapIsOutOfOrderAndNamesTheSequences) {
  ProducerStateTable table = five_batches();
  auto check = table.check(header(7, 3, 12, 1));
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), Errc::kOutOfOrderSequence);
  EXPECT_NE(check.status().message().find("sequences 12..12"), std::string::npos)
      << check.status().message();
  EXPECT_NE(check.status().message().find("last stored sequence 9"), std::string::npos);
}

TEST(ProducerStateTable, AnOverlapThatMatchesNoBatchIsOutOfOrder) {
  ProducerStateTable table = five_batches();
  auto check = table.check(header(7, 3, 8, 1));  // 8..8 lies inside the batch 8..9
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), Errc::kOutOfOrderSequence);
}

TEST(ProducerStateTable, AnOlderEpochIsFenced) {
  ProducerStateTable table = five_batches();
  auto check = table.check(header(7, 2, 10, 1));
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.status().code(), Errc::kInvalidProducerEpoch);
  // Even a batch identical to a stored one, but from the old epoch.
  EXPECT_EQ(table.check(header(7, 2, 0, 2)).status().code(), Errc::kInvalidProducerEpoch);
}

TEST(ProducerStateTable, ANewEpochMustStartAtSequenceZeroAndForgetsTheOldBatches) {
  ProducerStateTable table = five_batches();
  EXPECT_EQ(table.check(header(7, 4, 10, 1)).status().code(), Errc::kOutOfOrderSequence);
  auto check = table.check(header(7, 4, 0, 2));
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->kind, SequenceCheck::Kind::kAppend);  // not a duplicate of epoch 3's 0..1
  table.record(header(7, 4, 0, 2), Offset(200));
  EXPECT_EQ(table.check(header(7, 3, 10, 1)).status().code(), Errc::kInvalidProducerEpoch);
  EXPECT_EQ(table.check(header(7, 4, 0, 2))->original.base_offset, Offset(200));
}

TEST(ProducerStateTable, AnUnknownProducerIsAcceptedAtAnySequence) {
  ProducerStateTable table = five_batches();
  for (int32_t first : {0, 1, 500}) {
    auto check = table.check(header(8, 0, first, 1));
    ASSERT_TRUE(check.ok()) << first;
    EXPECT_EQ(check->kind, SequenceCheck::Kind::kAppend);
  }
}

TEST(ProducerStateTable, BatchesWithoutAProducerIdAreNeverChecked) {
  ProducerStateTable table;
  RecordBatchHeader plain = header(-1, -1, -1, 3);
  table.record(plain, Offset(0));
  table.record(plain, Offset(3));
  EXPECT_EQ(table.producer_count(), 0u);
  EXPECT_EQ(table.check(plain)->kind, SequenceCheck::Kind::kAppend);
}

TEST(ProducerStateTable, AProducerIdWithoutASequenceIsRefused) {
  ProducerStateTable table;
  EXPECT_EQ(table.check(header(7, 0, -1, 1)).status().code(), Errc::kUnsupportedFormat);
}

TEST(ProducerStateTable, SequencesWrapAfterInt32Max) {
  ProducerStateTable table;
  table.record(header(7, 0, 2147483646, 2), Offset(0));  // 2147483646..2147483647
  auto check = table.check(header(7, 0, 0, 1));
  ASSERT_TRUE(check.ok()) << check.status().to_string();
  EXPECT_EQ(check->kind, SequenceCheck::Kind::kAppend);
  table.record(header(7, 0, 2147483647, 2), Offset(2));  // wraps: 2147483647..0
  EXPECT_EQ(table.check(header(7, 0, 2147483647, 2))->kind, SequenceCheck::Kind::kDuplicate);
  EXPECT_TRUE(table.check(header(7, 0, 1, 1)).ok());
}

class PartitionIdempotenceTest : public PartitionFixture {};

TEST_F(PartitionIdempotenceTest, ARetriedBatchIsStoredOnceAndAnsweredWithTheOriginalOffset) {
  auto p = open_partition(settings_with(FlushPolicy::none()));
  ASSERT_TRUE(p->append(make_batch(3, 40, 1)).ok());  // offsets 0..2, no producer id
  Bytes batch = make_producer_batch(42, 0, 0, 2, 2);
  auto first = p->append(batch);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->base_offset, Offset(3));
  EXPECT_FALSE(first->duplicate);
  auto again = p->append(batch);
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->base_offset, Offset(3));
  EXPECT_EQ(again->last_offset, Offset(4));
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(p->high_watermark(), Offset(5));
  EXPECT_EQ(p->stats().records_appended, 5u);
}

TEST_F(PartitionIdempotenceTest, ErrorsStoreNothingAndNameThePartition) {
  auto p = open_partition(settings_with(FlushPolicy::none()));
  ASSERT_TRUE(p->append(make_producer_batch(42, 1, 0, 2, 1)).ok());
  auto gap = p->append(make_producer_batch(42, 1, 5, 1, 2));
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.status().code(), Errc::kOutOfOrderSequence);
  EXPECT_NE(gap.status().message().find("topic orders partition 3"), std::string::npos)
      << gap.status().message();
  auto fenced = p->append(make_producer_batch(42, 0, 2, 1, 3));
  EXPECT_EQ(fenced.status().code(), Errc::kInvalidProducerEpoch);
  EXPECT_EQ(p->high_watermark(), Offset(2));
}

TEST_F(PartitionIdempotenceTest, UnderFlushAlwaysADuplicateIsAnsweredOnceTheOriginalIsDurable) {
  auto p = open_partition(settings_with(FlushPolicy::always()));
  Bytes batch = make_producer_batch(42, 0, 0, 2, 1);
  std::promise<Result<AppendResult>> original;
  std::promise<Result<AppendResult>> retry;
  p->append(batch, [&](const Result<AppendResult>& r) { original.set_value(r); });
  p->append(batch, [&](const Result<AppendResult>& r) { retry.set_value(r); });
  auto a = original.get_future().get();
  auto b = retry.get_future().get();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->base_offset, Offset(0));
  EXPECT_EQ(b->base_offset, Offset(0));
  EXPECT_TRUE(b->duplicate);
  EXPECT_EQ(p->high_watermark(), Offset(2));
}

TEST_F(PartitionIdempotenceTest, ReopeningRebuildsTheStateFromTheLog) {
  std::vector<SequenceCheck> before;
  std::vector<Bytes> batches;
  for (int i = 0; i < 7; ++i) batches.push_back(make_producer_batch(42, 2, 3 * i, 3, i));
  {
    // Small segments, so the batches span a roll and the rebuild reads across segments.
    auto p = open_partition(settings_with(FlushPolicy::none(), 700));
    for (const Bytes& b : batches) ASSERT_TRUE(p->append(b).ok());
    ASSERT_GE(p->stats().segment_count, 2u);
    // A crash: no close(), the files stay as written.
    std::filesystem::path image = crash_image("crashed");
    p->close();
    std::filesystem::remove_all(partition_dir());
    std::filesystem::rename(image, partition_dir());
  }
  auto p = open_partition(settings_with(FlushPolicy::none(), 700));
  // The last five are duplicates with their original offsets; the two before are too old.
  for (int i = 2; i < 7; ++i) {
    auto r = p->append(batches[i]);
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().to_string();
    EXPECT_TRUE(r->duplicate) << i;
    EXPECT_EQ(r->base_offset, Offset(3 * i)) << i;
  }
  EXPECT_EQ(p->append(batches[1]).status().code(), Errc::kOutOfOrderSequence);
  EXPECT_EQ(p->append(make_producer_batch(42, 1, 21, 1, 9)).status().code(),
            Errc::kInvalidProducerEpoch);
  auto next = p->append(make_producer_batch(42, 2, 21, 1, 9));
  ASSERT_TRUE(next.ok()) << next.status().to_string();
  EXPECT_EQ(next->base_offset, Offset(21));
  EXPECT_FALSE(next->duplicate);
}

TEST_F(PartitionIdempotenceTest, TheRebuildReadsOnlyTheTailAcrossSegments) {
  std::vector<Bytes> batches;  // 125 bytes each, one producer each
  for (int i = 0; i < 12; ++i) batches.push_back(make_producer_batch(100 + i, 0, 0, 1, i));
  {
    auto p = open_partition(settings_with(FlushPolicy::none(), 300));  // two per segment
    for (const Bytes& b : batches) ASSERT_TRUE(p->append(b).ok());
    ASSERT_EQ(p->stats().segment_count, 6u);
    // Closed here, not by the destructor: the flusher may hold the last reference and would
    // then write the recovery point on its thread while recover_partition below writes its own.
    p->close();
  }
  auto recovered = recover_partition(fs_, partition_dir(), 512, clock_.wall_now());
  ASSERT_TRUE(recovered.ok()) << recovered.status().to_string();
  // The last 400 bytes reach into the fifth segment (250 bytes each); the scan starts at the
  // index point before that mark, the segment's start: producers 108..111 are known.
  ProducerStateTable table = rebuild_producer_state(recovered->segments, 400, nullptr);
  EXPECT_EQ(table.producer_count(), 4u);
  auto recent = table.check(*RecordBatchHeader::parse(batches[8]));
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->kind, SequenceCheck::Kind::kDuplicate);
  EXPECT_EQ(recent->original.base_offset, Offset(8));
  EXPECT_EQ(table.check(*RecordBatchHeader::parse(batches[7]))->kind, SequenceCheck::Kind::kAppend);
  EXPECT_EQ(rebuild_producer_state(recovered->segments, kProducerStateScanBytes, nullptr)
                .producer_count(),
            12u);
}

}  // namespace
}  // namespace caudal::log
