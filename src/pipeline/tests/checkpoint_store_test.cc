#include "pipeline/runtime/checkpoint_store.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "pipeline/errc.h"

namespace caudal::pipeline {
namespace {

namespace fs = std::filesystem;

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
                            {{"ENTRY", log::PartitionId(1)}, log::Offset(7)}}};
    ASSERT_TRUE((*store)->commit(a).ok());
    // A later commit replaces one partition and leaves the other.
    ASSERT_TRUE((*store)->commit({"enrich", {{{"ENTRY", log::PartitionId(0)}, log::Offset(50)}}}).ok());
    // A pipeline whose name starts like another's keeps its own offsets.
    ASSERT_TRUE((*store)->commit({"enrich2", {{{"ENTRY", log::PartitionId(0)}, log::Offset(1)}}}).ok());
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

TEST_F(CheckpointStoreTest, SecondOpenOfTheSameDirectoryFails) {
  auto first = CheckpointStore::open(dir_);
  ASSERT_TRUE(first.ok());
  auto second = CheckpointStore::open(dir_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), PipelineErrc::kStorage);
}

}  // namespace
}  // namespace caudal::pipeline
