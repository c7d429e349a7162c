#include "index/feeder.h"

#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "log/record_batch_builder.h"

namespace caudal::index {
namespace {

class FeederTest : public ::testing::Test {
 public:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("caudal-feeder-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    log::LogOptions options;
    options.data_dir = dir_ / "log";
    log_ = std::move(log::Log::open(options)).value();
    ASSERT_TRUE(log_->create_topic("t", log::TopicSettings{}).ok());
  }
  void TearDown() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Appends `docs` documents of about 1 KB each in batches of 100.
  void append(int docs) {
    auto partition = std::move(log_->partition("t", log::PartitionId(0))).value();
    const std::string filler(1000, 'x');
    for (int first = 0; first < docs; first += 100) {
      log::RecordBatchBuilder builder;
      for (int i = first; i < std::min(docs, first + 100); ++i) {
        const std::string doc = "{\"n\":" + std::to_string(i) + ",\"f\":\"" + filler + "\"}";
        builder.append(0, std::nullopt, as_bytes(doc));
      }
      auto batch = builder.build();
      ASSERT_TRUE(batch.ok() && partition->append(*batch).ok());
    }
  }

  std::unique_ptr<Index> open_index() {
    IndexOptions options;
    options.name = "i";
    options.dir = dir_ / "index";
    return std::move(Index::open(options)).value();
  }

  static void wait_for_docs(const Index& index, uint64_t docs) {
    for (int i = 0; i < 2000 && index.stats().docs < docs; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(index.stats().docs, docs);
  }

  log::Log& log() { return *log_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<log::Log> log_;
};

// Indexes a backlog of 3 MB of documents, which the feeder reads 1 MB at a time, refreshing
// every millisecond were it not behind; returns the index once all are searchable.
struct Fed {
  std::unique_ptr<Index> index;
  std::unique_ptr<Feeder> feeder;  // declared last: stops before the index goes
};

Fed index_backlog(FeederTest& test, uint64_t catch_up_bytes, Duration catch_up_max_delay) {
  test.append(3000);
  Fed fed;
  fed.index = test.open_index();
  FeederOptions options;
  options.topic = "t";
  options.refresh_interval = std::chrono::milliseconds(1);
  options.maintain_interval = std::chrono::hours(1);
  options.catch_up_bytes = catch_up_bytes;
  options.catch_up_max_delay = catch_up_max_delay;
  fed.feeder = std::move(Feeder::start(*fed.index, test.log(), options)).value();
  FeederTest::wait_for_docs(*fed.index, 3000);
  return fed;
}

TEST_F(FeederTest, ABacklogBecomesOneSegmentThenEachIntervalOneAgain) {
  Fed fed = index_backlog(*this, FeederOptions{}.catch_up_bytes,
                          FeederOptions{}.catch_up_max_delay);
  EXPECT_EQ(fed.index->stats().segments, 1u);
  // Caught up, a new record is refreshed on its own at the next interval.
  append(1);
  wait_for_docs(*fed.index, 3001);
  EXPECT_EQ(fed.index->stats().segments, 2u);
}

TEST_F(FeederTest, ABacklogIsRefreshedOnceItsBufferHoldsEnough) {
  Fed fed = index_backlog(*this, 1, FeederOptions{}.catch_up_max_delay);
  EXPECT_GE(fed.index->stats().segments, 2u);
}

TEST_F(FeederTest, ABacklogIsRefreshedAtTheLatestAfterTheMaximumDelay) {
  Fed fed = index_backlog(*this, 1ull << 40, std::chrono::milliseconds(0));
  EXPECT_GE(fed.index->stats().segments, 2u);
}

}  // namespace
}  // namespace caudal::index
