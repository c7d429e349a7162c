#include "kafka/handlers/topic_configs.h"

#include <gtest/gtest.h>

#include "log/errc.h"

namespace caudal::kafka {
namespace {

using std::chrono::milliseconds;

TEST(TopicConfigs, AppliesEverySupportedEntry) {
  log::TopicSettings settings;
  ASSERT_TRUE(apply_topic_config("retention.ms", "60000", settings).ok());
  ASSERT_TRUE(apply_topic_config("retention.bytes", "1048576", settings).ok());
  ASSERT_TRUE(apply_topic_config("segment.bytes", "16777216", settings).ok());
  ASSERT_TRUE(apply_topic_config("segment.ms", "3600000", settings).ok());
  ASSERT_TRUE(apply_topic_config("max.message.bytes", "2000000", settings).ok());
  ASSERT_TRUE(apply_topic_config("cleanup.policy", "delete", settings).ok());
  EXPECT_EQ(settings.retention, Duration(milliseconds(60000)));
  EXPECT_EQ(settings.retention_bytes, 1048576);
  EXPECT_EQ(settings.segment_bytes, 16777216);
  EXPECT_EQ(settings.segment_age, Duration(milliseconds(3600000)));
  EXPECT_EQ(settings.max_message_bytes, 2000000);
}

TEST(TopicConfigs, MinusOneRemovesRetentionLimits) {
  log::TopicSettings settings;
  settings.retention_bytes = 5;
  ASSERT_TRUE(apply_topic_config("retention.ms", "-1", settings).ok());
  ASSERT_TRUE(apply_topic_config("retention.bytes", "-1", settings).ok());
  EXPECT_FALSE(settings.retention.has_value());
  EXPECT_FALSE(settings.retention_bytes.has_value());
}

TEST(TopicConfigs, RefusesUnknownNullAndNonNumericEntries) {
  log::TopicSettings settings;
  Status unknown = apply_topic_config("compression.type", "zstd", settings);
  EXPECT_EQ(unknown.code(), log::Errc::kInvalidConfig);
  EXPECT_NE(unknown.message().find("compression.type"), std::string::npos);
  EXPECT_EQ(apply_topic_config("retention.ms", std::nullopt, settings).code(),
            log::Errc::kInvalidConfig);
  EXPECT_EQ(apply_topic_config("retention.ms", "1h", settings).code(), log::Errc::kInvalidConfig);
  EXPECT_EQ(apply_topic_config("cleanup.policy", "compact", settings).code(),
            log::Errc::kInvalidConfig);
  EXPECT_EQ(settings, log::TopicSettings());
}

}  // namespace
}  // namespace caudal::kafka
