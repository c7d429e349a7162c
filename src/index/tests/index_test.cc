#include "index/index.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "index/search.h"

namespace caudal::index {
namespace {

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("caudal-index-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Index> open() {
    IndexOptions options;
    options.name = "web";
    options.dir = dir_;
    options.timestamp_field = "@timestamp";
    options.merge_factor = 2;
    auto index = Index::open(options);
    EXPECT_TRUE(index.ok()) << index.status().message();
    return std::move(index).value();
  }

  static int64_t count(const Index& index, const std::string& q) {
    UriParams params;
    if (!q.empty()) params["q"] = q;
    auto result = run_search({index.snapshot()}, Json(), params, SearchLimits{}, 0, true);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result->find("count")->as_int();
  }

  std::filesystem::path dir_;
};

TEST_F(IndexTest, BufferedDocumentsBecomeSearchableAtRefresh) {
  auto index = open();
  index->add(0, 0, 1000, std::nullopt,
             R"({"msg":"hello world","@timestamp":"2024-01-01T00:00:00Z"})");
  EXPECT_EQ(count(*index, ""), 0);
  ASSERT_TRUE(index->refresh().ok());
  EXPECT_EQ(count(*index, "hello"), 1);
  EXPECT_EQ(index->next_offsets().at(0), 1);
  EXPECT_EQ(index->snapshot()->segments[0].segment->meta(0).id, "0-0");
  EXPECT_EQ(index->snapshot()->segments[0].segment->min_timestamp(), 1704067200000);
}

TEST_F(IndexTest, LaterIdReplacesEarlierAndReplayKeepsOne) {
  auto index = open();
  index->add(0, 0, 0, "a", R"({"v":1})");
  ASSERT_TRUE(index->refresh().ok());
  index->add(0, 1, 0, "a", R"({"v":2})");
  index->add(0, 2, 0, "b", R"({"v":3})");
  ASSERT_TRUE(index->refresh().ok());
  EXPECT_EQ(count(*index, ""), 2);
  EXPECT_EQ(count(*index, "v:1"), 0);
  // The same records again (a replay after a crash) change nothing.
  index->add(0, 1, 0, "a", R"({"v":2})");
  index->add(0, 2, 0, "b", R"({"v":3})");
  ASSERT_TRUE(index->refresh().ok());
  EXPECT_EQ(count(*index, ""), 2);
  EXPECT_EQ(count(*index, "v:2"), 1);
}

TEST_F(IndexTest, AGivenIdOfTheGeneratedFormReplacesTheGeneratedOne) {
  auto index = open();
  index->add(0, 0, 0, std::nullopt, R"({"v":1})");  // _id "0-0"
  index->add(1, 7, 0, std::nullopt, R"({"v":2})");  // _id "1-7"
  ASSERT_TRUE(index->refresh().ok());
  index->add(0, 1, 0, "0-0", R"({"v":3})");
  // Other texts of the same numbers are other ids.
  index->add(0, 2, 0, "01-7", R"({"v":4})");
  index->add(0, 3, 0, "1-07", R"({"v":5})");
  ASSERT_TRUE(index->refresh().ok());
  EXPECT_EQ(count(*index, ""), 4);
  EXPECT_EQ(count(*index, "v:1"), 0);
  EXPECT_EQ(count(*index, "v:2"), 1);
  // A later record without a key whose generated id a document was given earlier replaces it.
  index->add(0, 4, 0, "0-5", R"({"v":6})");
  index->add(0, 5, 0, std::nullopt, R"({"v":7})");
  ASSERT_TRUE(index->refresh().ok());
  EXPECT_EQ(count(*index, "v:6"), 0);
  EXPECT_EQ(count(*index, "v:7"), 1);
}

TEST_F(IndexTest, ReopenRestoresSegmentsPositionsAndDeletes) {
  {
    auto index = open();
    index->add(0, 0, 0, "a", R"({"v":1,"msg":"first"})");
    ASSERT_TRUE(index->refresh().ok());
    index->add(0, 1, 0, "a", R"({"v":2,"msg":"second"})");
    index->add(0, 2, 0, std::nullopt, "not json");
    ASSERT_TRUE(index->refresh().ok());
    index->add(0, 3, 0, std::nullopt, R"({"v":9})");  // buffered only: lost, read again later
  }
  auto index = open();
  EXPECT_EQ(index->next_offsets().at(0), 3);
  EXPECT_EQ(count(*index, ""), 1);
  EXPECT_EQ(count(*index, "msg:second"), 1);
  EXPECT_EQ(index->snapshot()->mappings.type_of("v"), FieldType::kLong);
}

TEST_F(IndexTest, MergesADaysSegmentsAndDropsReplacedDocuments) {
  auto index = open();
  for (int i = 0; i < 4; ++i) {
    index->add(0, i, 0, i % 2 == 0 ? std::optional<std::string_view>("same") : std::nullopt,
               R"({"n":1})");
    ASSERT_TRUE(index->refresh().ok());
  }
  EXPECT_EQ(index->stats().segments, 4u);
  ASSERT_TRUE(index->maintain().ok());
  EXPECT_EQ(index->stats().segments, 1u);
  EXPECT_EQ(index->stats().docs, 3u);
  EXPECT_EQ(index->stats().deleted, 0u);
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    files += entry.path().extension() == ".seg" ? 1 : 0;
  }
  EXPECT_EQ(files, 1u);
  auto reopened = open();
  index.reset();
  EXPECT_EQ(count(*reopened, ""), 3);
}

TEST_F(IndexTest, MergesOnlySegmentsOfSimilarSize) {
  auto index = open();  // merge_factor 2: tiers of 1, 2-3, 4-7, ... documents
  for (int i = 0; i < 4; ++i) index->add(0, i, 0, std::nullopt, R"({"n":1})");
  ASSERT_TRUE(index->refresh().ok());
  for (int i = 4; i < 7; ++i) {
    index->add(0, i, 0, std::nullopt, R"({"n":2})");
    ASSERT_TRUE(index->refresh().ok());
  }
  EXPECT_EQ(index->stats().segments, 4u);
  ASSERT_TRUE(index->maintain().ok());
  // The three one-document segments merged; the four-document one was left alone.
  EXPECT_EQ(index->stats().segments, 2u);
  EXPECT_EQ(count(*index, "n:2"), 3);
  EXPECT_EQ(count(*index, ""), 7);
}

TEST_F(IndexTest, RetentionDropsWholeSegments) {
  ManualClock clock(std::chrono::system_clock::time_point(std::chrono::hours(1000)));
  IndexOptions options;
  options.name = "web";
  options.dir = dir_;
  options.timestamp_field = "t";
  options.retention = std::chrono::hours(1);
  options.clock = &clock;
  auto index = std::move(Index::open(options)).value();
  const int64_t now = 1000ll * 3600 * 1000;
  index->add(0, 0, 0, std::nullopt, "{\"t\":" + std::to_string(now - 2 * 3600 * 1000) + "}");
  ASSERT_TRUE(index->refresh().ok());
  index->add(0, 1, 0, std::nullopt, "{\"t\":" + std::to_string(now - 60 * 1000) + "}");
  ASSERT_TRUE(index->refresh().ok());
  ASSERT_TRUE(index->maintain().ok());
  EXPECT_EQ(index->stats().segments, 1u);
  EXPECT_EQ(index->stats().docs, 1u);
  EXPECT_EQ(index->next_offsets().at(0), 2);
}

}  // namespace
}  // namespace caudal::index
