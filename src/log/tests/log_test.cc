#include "log/log.h"

#include <thread>

#include <gtest/gtest.h>

#include "log/errc.h"
#include "log/tests/storage_test_support.h"

namespace caudal::log {
namespace {

using testing::make_batch;

class LogTest : public ::testing::Test {
 protected:
  std::unique_ptr<Log> open_log(Duration retention_check = Duration::zero()) {
    LogOptions options;
    options.data_dir = dir_.path() / "data";
    options.clock = &clock_;
    options.metrics = &metrics_;
    options.retention_check_interval = retention_check;
    auto log = Log::open(options);
    EXPECT_TRUE(log.ok()) << log.status().to_string();
    return log.ok() ? std::move(*log) : nullptr;
  }

  static TopicSettings settings(int32_t partitions) {
    TopicSettings s;
    s.partitions = partitions;
    s.flush = FlushPolicy::none();
    s.segment_bytes = 4096;
    return s;
  }

  testing::TempDir dir_;
  ManualClock clock_;
  metrics::Registry metrics_;
};

TEST_F(LogTest, CreatesListsDescribesAndDeletesTopics) {
  auto log = open_log();
  EXPECT_TRUE(log->list_topics().empty());
  ASSERT_TRUE(log->create_topic("orders", settings(3)).ok());
  ASSERT_TRUE(log->create_topic("alerts", settings(1)).ok());
  EXPECT_EQ(log->list_topics(), (std::vector<std::string>{"alerts", "orders"}));

  EXPECT_EQ(log->create_topic("orders", settings(1)).code(), make_error_code(Errc::kTopicExists));
  EXPECT_EQ(log->create_topic("a/b", settings(1)).code(), make_error_code(Errc::kInvalidTopicName));
  TopicSettings bad = settings(1);
  bad.segment_bytes = 1;
  EXPECT_EQ(log->create_topic("fine", bad).code(), make_error_code(Errc::kInvalidConfig));

  auto p = log->partition("orders", PartitionId(2));
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->append(make_batch(4, 100, 1)).ok());
  auto described = log->describe_topic("orders");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->settings, settings(3));
  ASSERT_EQ(described->partitions.size(), 3u);
  EXPECT_EQ(described->partitions[2].high_watermark, Offset(4));
  EXPECT_EQ(described->partitions[0].high_watermark, Offset(0));

  EXPECT_EQ(log->partition("orders", PartitionId(3)).status().code(),
            make_error_code(Errc::kUnknownPartition));
  EXPECT_EQ(log->partition("nope", PartitionId(0)).status().code(),
            make_error_code(Errc::kUnknownTopic));

  ASSERT_TRUE(log->delete_topic("orders").ok());
  EXPECT_EQ(log->list_topics(), (std::vector<std::string>{"alerts"}));
  EXPECT_EQ(log->delete_topic("orders").code(), make_error_code(Errc::kUnknownTopic));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "data" / "topics" / "orders"));
  // A new topic of the same name starts empty.
  ASSERT_TRUE(log->create_topic("orders", settings(1)).ok());
  EXPECT_EQ((*log->partition("orders", PartitionId(0)))->high_watermark(), Offset(0));
}

TEST_F(LogTest, TopicsSettingsAndDataSurviveAReopen) {
  TopicSettings s = settings(2);
  s.retention = std::chrono::hours(48);
  s.retention_bytes = 1 << 20;
  s.max_message_bytes = 4000;
  Bytes batch = make_batch(2, 300, 7);
  {
    auto log = open_log();
    ASSERT_TRUE(log->create_topic("metrics.v1", s).ok());
    ASSERT_TRUE((*log->partition("metrics.v1", PartitionId(1)))->append(batch).ok());
  }
  auto log = open_log();
  EXPECT_TRUE(log->recovery_notes().empty()) << log->recovery_notes().front();
  auto d = log->describe_topic("metrics.v1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->settings, s);
  auto p = *log->partition("metrics.v1", PartitionId(1));
  auto read = p->read(Offset(0), 1 << 20);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->bytes, testing::as_stored(batch, 0));
}

TEST_F(LogTest, OpenFinishesInterruptedCreationsAndDeletions) {
  {
    auto log = open_log();
    ASSERT_TRUE(log->create_topic("kept", settings(1)).ok());
  }
  std::filesystem::path data = dir_.path() / "data";
  // A creation that crashed before writing topic.conf, and a deletion that crashed after its
  // rename into trash/.
  std::filesystem::create_directories(data / "topics" / "half" / "0");
  std::filesystem::create_directories(data / "trash" / "0-gone" / "0");
  auto log = open_log();
  EXPECT_EQ(log->list_topics(), (std::vector<std::string>{"kept"}));
  EXPECT_FALSE(std::filesystem::exists(data / "topics" / "half"));
  EXPECT_FALSE(std::filesystem::exists(data / "trash" / "0-gone"));
  ASSERT_EQ(log->recovery_notes().size(), 1u);
  EXPECT_NE(log->recovery_notes()[0].find("topic half: creation did not finish"),
            std::string::npos);
}

TEST_F(LogTest, ABrokenTopicConfStopsTheOpenWithItsLocation) {
  {
    auto log = open_log();
    ASSERT_TRUE(log->create_topic("orders", settings(1)).ok());
  }
  std::filesystem::path conf = dir_.path() / "data" / "topics" / "orders" / "topic.conf";
  {
    std::FILE* f = std::fopen(conf.c_str(), "a");
    std::fputs("colour=blue\n", f);
    std::fclose(f);
  }
  LogOptions options;
  options.data_dir = dir_.path() / "data";
  options.clock = &clock_;
  auto log = Log::open(options);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), make_error_code(Errc::kInvalidConfig));
  EXPECT_NE(log.status().message().find("topic.conf line 9: unknown setting 'colour'"),
            std::string::npos)
      << log.status().message();
}

TEST_F(LogTest, DeletingATopicClosesItsPartitionsForTheirHolders) {
  auto log = open_log();
  ASSERT_TRUE(log->create_topic("orders", settings(1)).ok());
  auto p = *log->partition("orders", PartitionId(0));
  ASSERT_TRUE(p->append(make_batch(1, 10, 1)).ok());
  bool fired = false;
  ASSERT_TRUE(p->watch(Offset(1), [&] { fired = true; }).has_value());
  ASSERT_TRUE(log->delete_topic("orders").ok());
  EXPECT_TRUE(fired);
  EXPECT_EQ(p->append(make_batch(1, 10, 2)).status().code(), make_error_code(Errc::kClosed));
  auto read = p->read(Offset(0), 1 << 20);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->batch_count, 1);
}

TEST_F(LogTest, ExportsPerPartitionMetrics) {
  auto log = open_log();
  ASSERT_TRUE(log->create_topic("orders", settings(2)).ok());
  auto p = *log->partition("orders", PartitionId(1));
  Bytes batch = make_batch(5, 100, 1);
  ASSERT_TRUE(p->append(batch).ok());
  std::string text = metrics_.render();
  EXPECT_NE(text.find("caudal_log_records_appended_total{topic=\"orders\",partition=\"1\"} 5"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(fmt::format(
          "caudal_log_bytes_appended_total{{topic=\"orders\",partition=\"1\"}} {}", batch.size())),
      std::string::npos);
  EXPECT_NE(text.find("caudal_log_end_offset{topic=\"orders\",partition=\"1\"} 5"),
            std::string::npos);
  EXPECT_NE(text.find("caudal_log_segments{topic=\"orders\",partition=\"0\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find(fmt::format("caudal_log_size_bytes{{topic=\"orders\",partition=\"1\"}} {}",
                                  batch.size())),
            std::string::npos);
  ASSERT_TRUE(log->delete_topic("orders").ok());
  EXPECT_EQ(metrics_.render().find("topic=\"orders\""), std::string::npos);
}

TEST_F(LogTest, BackgroundRetentionDeletesOldSegments) {
  auto log = open_log(std::chrono::milliseconds(5));
  TopicSettings s = settings(1);
  s.retention = std::chrono::hours(1);
  ASSERT_TRUE(log->create_topic("old", s).ok());
  auto p = *log->partition("old", PartitionId(0));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(p->append(make_batch(1, 900, static_cast<uint32_t>(i), clock_.wall_millis())).ok());
  }
  ASSERT_GT(p->stats().segment_count, 3u);
  clock_.advance(std::chrono::hours(2));
  for (int i = 0; i < 2000 && p->log_start_offset() != Offset(20); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(p->log_start_offset(), Offset(20));
  EXPECT_EQ(p->stats().segment_count, 1u);
}

}  // namespace
}  // namespace caudal::log
