#include "server/topic_settings_mapping.h"

#include <gtest/gtest.h>

namespace caudal::server {
namespace {

TEST(TopicSettingsMappingTest, EveryFieldCarriesOver) {
  config::TopicConfig topic;
  topic.partitions = 4;
  topic.retention = std::chrono::hours(24 * 8);
  topic.retention_bytes = 10ull << 30;
  topic.segment_bytes = 64ull << 20;
  topic.segment_age = std::chrono::hours(1);
  topic.max_message_bytes = 2u << 20;
  topic.flush = {config::FlushPolicy::Mode::kInterval, std::chrono::milliseconds(200)};

  log::TopicSettings s = to_log_settings(topic);
  EXPECT_EQ(s.partitions, 4);
  EXPECT_EQ(s.retention, std::chrono::hours(24 * 8));
  EXPECT_EQ(s.retention_bytes, int64_t{10} << 30);
  EXPECT_EQ(s.segment_bytes, int64_t{64} << 20);
  EXPECT_EQ(s.segment_age, std::chrono::hours(1));
  EXPECT_EQ(s.max_message_bytes, int64_t{2} << 20);
  EXPECT_EQ(s.flush, log::FlushPolicy::every(std::chrono::milliseconds(200)));
  EXPECT_TRUE(s.validate().ok()) << s.validate().to_string();
}

TEST(TopicSettingsMappingTest, UnsetLimitsStayUnset) {
  config::TopicConfig topic;  // defaults: keep forever, no size limit, never roll by age
  log::TopicSettings s = to_log_settings(topic);
  EXPECT_FALSE(s.retention.has_value());
  EXPECT_FALSE(s.retention_bytes.has_value());
  EXPECT_FALSE(s.segment_age.has_value());
  EXPECT_EQ(s.flush, log::FlushPolicy::none());
  topic.flush.mode = config::FlushPolicy::Mode::kAlways;
  EXPECT_EQ(to_log_settings(topic).flush, log::FlushPolicy::always());
}

}  // namespace
}  // namespace caudal::server
