#include "pipeline/runtime/checkpoint_store.h"

#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/errc.h"
#include "pipeline/runtime/checkpoint_writer.h"

namespace caudal::pipeline {
namespace {

namespace fs = std::filesystem;

// A step's delta from (key, value or nullopt for a deletion) pairs.
StepDelta step_delta(uint32_t step, std::string kind,
                     const std::vector<std::pair<std::string, std::optional<std::string>>>& writes) {
  StepDelta delta{step, std::move(kind), {}};
  for (const auto& [key, value] : writes) {
    if (value.has_value()) {
      delta.writes.put(key, *value);
    } else {
      delta.writes.erase(key);
    }
  }
  return delta;
}

class CheckpointStoreTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("caudal-checkpoints-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CheckpointStoreTest, CommittedOffsetsSurviveReopenAndStayPerPipeline) {
  {
    auto store = CheckpointStore::open(dir_);
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    Checkpoint a{"enrich", {{{"ENTRY", log::PartitionId(0)}, log::Offset(42)},
                            {{"ENTRY", log::PartitionId(1)}, log::Offset(7)}},
                 {}};
    ASSERT_TRUE((*store)->commit(a).ok());
    // A later commit replaces one partition and leaves the other.
    ASSERT_TRUE((*store)->commit({"enrich", {{{"ENTRY", log::PartitionId(0)}, log::Offset(50)}}, {}}).ok());
    // A pipeline whose name starts like another's keeps its own offsets.
    ASSERT_TRUE((*store)->commit({"enrich2", {{{"ENTRY", log::PartitionId(0)}, log::Offset(1)}}, {}}).ok());
  }
  auto store = CheckpointStore::open(dir_);
  ASSERT_TRUE(store.ok());
  auto offsets = (*store)->load_offsets("enrich");
  ASSERT_TRUE(offsets.ok());
  ASSERT_EQ(offsets->size(), 2u);
  EXPECT_EQ(offsets->at({"ENTRY", log::PartitionId(0)}), log::Offset(50));
  EXPECT_EQ(offsets->at({"ENTRY", log::PartitionId(1)}), log::Offset(7));
  auto none = (*store)->load_offsets("other");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(CheckpointStoreTest, StateChangesCommitWithOffsetsAndLoadPerPipeline) {
  auto store = CheckpointStore::open(dir_);
  ASSERT_TRUE(store.ok());
  Checkpoint first;
  first.pipeline = "detect";
  first.offsets = {{{"ENTRY", log::PartitionId(0)}, log::Offset(10)}};
  first.state.push_back(step_delta(1, "threshold", {{"k1", "v1"}, {"k2", "v2"}}));
  first.state.push_back(step_delta(3, "window", {{"", "meta"}}));
  ASSERT_TRUE((*store)->commit(first).ok());
  Checkpoint second;
  second.pipeline = "detect";
  second.offsets = {{{"ENTRY", log::PartitionId(0)}, log::Offset(20)}};
  // Written in key order, a key deleted and created again (in that order) stays.
  second.state.push_back(
      step_delta(1, "threshold", {{"k4", std::nullopt}, {"k3", "v3"}, {"k1", std::nullopt}, {"k4", "v4"}}));
  ASSERT_TRUE((*store)->commit(second).ok());
  Checkpoint other;
  other.pipeline = "detect2";
  other.state.push_back(step_delta(1, "threshold", {{"k9", "v9"}}));
  ASSERT_TRUE((*store)->commit(other).ok());

  std::vector<std::string> seen;
  Status loaded = (*store)->load_state(
      "detect", [&seen](uint32_t step, std::string_view kind, std::string_view key, std::string_view value) {
        seen.push_back(fmt::format("{}:{}:{}={}", step, kind, key, value));
        return Status();
      });
  ASSERT_TRUE(loaded.ok()) << loaded.to_string();
  EXPECT_EQ(seen, (std::vector<std::string>{"1:threshold:k2=v2", "1:threshold:k3=v3", "1:threshold:k4=v4", "3:window:=meta"}));
  EXPECT_EQ((*store)->load_offsets("detect")->at({"ENTRY", log::PartitionId(0)}), log::Offset(20));
  // A visitor's error stops the load and is returned.
  Status stopped = (*store)->load_state("detect", [](uint32_t, std::string_view, std::string_view, std::string_view) {
    return Status(PipelineErrc::kCorruptState, "bad entry");
  });
  EXPECT_EQ(stopped.code(), PipelineErrc::kCorruptState);
}

TEST_F(CheckpointStoreTest, SecondOpenOfTheSameDirectoryFails) {
  auto first = CheckpointStore::open(dir_);
  ASSERT_TRUE(first.ok());
  auto second = CheckpointStore::open(dir_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), PipelineErrc::kStorage);
}

TEST_F(CheckpointStoreTest, TheWriterWritesOneCheckpointAtATimeOnItsThread) {
  auto store = CheckpointStore::open(dir_);
  ASSERT_TRUE(store.ok());
  CheckpointWriter writer(store->get());
  EXPECT_FALSE(writer.busy());
  EXPECT_FALSE(writer.poll().has_value());
  Checkpoint checkpoint;
  checkpoint.pipeline = "p";
  checkpoint.offsets.push_back(SourceOffset{{"ENTRY", log::PartitionId(0)}, log::Offset(7)});
  checkpoint.state.push_back(step_delta(1, "threshold", {{"k", "v"}}));
  writer.submit(checkpoint);
  EXPECT_TRUE(writer.busy());
  std::optional<CheckpointWriter::Written> written = writer.wait();
  ASSERT_TRUE(written.has_value());
  EXPECT_TRUE(written->status.ok()) << written->status.to_string();
  EXPECT_EQ(written->checkpoint.offsets.size(), 1u);  // handed back, for the committed offsets
  EXPECT_FALSE(writer.busy());
  // Durable and visible once reported.
  auto offsets = (*store)->load_offsets("p");
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(offsets->at(log::TopicPartition{"ENTRY", log::PartitionId(0)}), log::Offset(7));
  std::string state;
  ASSERT_TRUE((*store)->load_state("p", [&](uint32_t, std::string_view, std::string_view key, std::string_view value) {
    state = fmt::format("{}={}", key, value);
    return Status();
  }).ok());
  EXPECT_EQ(state, "k=v");
  // poll() reports a later write once, when it is done.
  checkpoint.offsets[0].next = log::Offset(9);
  writer.submit(checkpoint);
  std::optional<CheckpointWriter::Written> polled;
  for (int i = 0; i < 5000 && !polled.has_value(); ++i) {
    polled = writer.poll();
    if (!polled.has_value()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(polled.has_value());
  EXPECT_TRUE(polled->status.ok());
  EXPECT_FALSE(writer.poll().has_value());
}

}  // namespace
}  // namespace caudal::pipeline
