#include "log/topic_settings.h"

#include <gtest/gtest.h>

#include "log/errc.h"

namespace caudal::log {
namespace {

TEST(TopicSettingsTest, DefaultsAreKafkaLike) {
  TopicSettings s;
  EXPECT_TRUE(s.validate().ok());
  EXPECT_EQ(s.segment_bytes, int64_t{1} << 30);
  EXPECT_EQ(s.max_message_bytes, int64_t{1} << 20);
  EXPECT_EQ(s.flush.to_string(), "interval(1000ms)");
}

TEST(TopicSettingsTest, SerializeParseRoundTrip) {
  TopicSettings s;
  s.partitions = 12;
  s.retention = std::nullopt;
  s.retention_bytes = 10'000'000'000;
  s.segment_bytes = 64 << 20;
  s.segment_age = std::chrono::hours(1);
  s.max_message_bytes = 5000;
  s.flush = FlushPolicy::always();
  auto parsed = TopicSettings::parse(s.serialize(), "t.conf");
  ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
  EXPECT_EQ(*parsed, s);

  s.flush = FlushPolicy::every(std::chrono::milliseconds(250));
  s.retention = std::chrono::hours(24 * 8);
  s.segment_age = std::nullopt;
  s.retention_bytes = std::nullopt;
  EXPECT_EQ(*TopicSettings::parse(s.serialize(), "t.conf"), s);
  s.flush = FlushPolicy::none();
  EXPECT_EQ(*TopicSettings::parse(s.serialize(), "t.conf"), s);
}

TEST(TopicSettingsTest, ParseErrorsNameFileAndLine) {
  auto expect_error = [](std::string_view text, std::string_view wanted) {
    auto r = TopicSettings::parse(text, "topics/x/topic.conf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), make_error_code(Errc::kInvalidConfig));
    EXPECT_NE(r.status().message().find(wanted), std::string::npos) << r.status().message();
  };
  expect_error("partitions=2\nretention_hours=3\n", "topics/x/topic.conf line 2: unknown setting");
  expect_error("# c\nflush=sometimes\n", "line 2: flush is 'sometimes'");
  expect_error("segment_bytes=12x\n", "line 1: '12x' is not an integer");
  expect_error("segment_bytes\n", "expected key=value");
  expect_error("segment_bytes=10\n", "segment_bytes is 10");
  expect_error("partitions=0\n", "partitions 0 is out of range");
}

TEST(TopicSettingsTest, ValidateChecksRanges) {
  TopicSettings s;
  s.max_message_bytes = 10;
  EXPECT_NE(s.validate().message().find("max_message_bytes"), std::string::npos);
  s = TopicSettings();
  s.flush = FlushPolicy::every(Duration::zero());
  EXPECT_FALSE(s.validate().ok());
  s = TopicSettings();
  s.retention_bytes = 0;
  EXPECT_FALSE(s.validate().ok());
  s = TopicSettings();
  s.segment_bytes = int64_t{1} << 32;
  EXPECT_FALSE(s.validate().ok());
}

TEST(TopicSettingsTest, TopicNamesFollowKafkaRules) {
  EXPECT_TRUE(validate_topic_name("orders").ok());
  EXPECT_TRUE(validate_topic_name("a.b_c-D9").ok());
  EXPECT_TRUE(validate_topic_name(std::string(249, 'x')).ok());
  EXPECT_TRUE(validate_topic_name("...").ok());
  for (std::string_view bad : {"", ".", "..", "a/b", "a b", "caf\xc3\xa9"}) {
    Status s = validate_topic_name(bad);
    EXPECT_EQ(s.code(), make_error_code(Errc::kInvalidTopicName)) << bad;
  }
  Status too_long = validate_topic_name(std::string(250, 'x'));
  EXPECT_NE(too_long.message().find("at most 249"), std::string::npos);
  Status slash = validate_topic_name("a/b");
  EXPECT_NE(slash.message().find("byte 0x2f at position 1"), std::string::npos) << slash.message();
}

}  // namespace
}  // namespace caudal::log
