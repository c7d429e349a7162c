#include <string>

#include <gtest/gtest.h>

#include "pipeline/event/timestamp.h"
#include "pipeline/expr/errc.h"
#include "pipeline/expr/geohash.h"
#include "pipeline/expr/time_format.h"

namespace caudal::pipeline {
namespace {

TEST(GeohashTest, MatchesPublishedValues) {
  // The examples of the Wikipedia article on geohashes.
  EXPECT_EQ(geohash_encode(57.64911, 10.40744, 11), "u4pruydqqvj");
  EXPECT_EQ(geohash_encode(42.6, -5.6, 5), "ezs42");
  // San Francisco, the cell every geohash map shows.
  EXPECT_EQ(geohash_encode(37.7749, -122.4194, 5), "9q8yy");
  // The corners and the origin, where every bit is decided the same way.
  EXPECT_EQ(geohash_encode(0, 0, 5), "s0000");
  EXPECT_EQ(geohash_encode(-90, -180, 4), "0000");
  EXPECT_EQ(geohash_encode(90, 180, 4), "zzzz");
  EXPECT_EQ(geohash_encode(57.64911, 10.40744, 1), "u");
  EXPECT_EQ(geohash_encode(57.64911, 10.40744, 12).substr(0, 11), "u4pruydqqvj");
}

int64_t iso(std::string_view text) { return parse_iso8601(text).value(); }

std::string formatted(std::string_view pattern, int64_t nanos) {
  std::string out;
  TimeFormat::compile(pattern).value().format(nanos, out);
  return out;
}

TEST(TimeFormatTest, FormatsEveryDirective) {
  int64_t t = iso("2024-05-01T13:05:09.123456789Z");
  EXPECT_EQ(formatted("%Y-%m-%d %H:%M:%S.%f", t), "2024-05-01 13:05:09.123456");
  EXPECT_EQ(formatted("%y %e %I %p %L %z %Z", t), "24  1 01 PM 123 +0000 UTC");
  EXPECT_EQ(formatted("%a %A %b %B %j %%", t), "Wed Wednesday May May 122 %");
  EXPECT_EQ(formatted("%F %T", t), "2024-05-01 13:05:09");
  EXPECT_EQ(formatted("%s", t), "1714568709");
  EXPECT_EQ(formatted("epoch_ms", t), "1714568709123");
  EXPECT_EQ(formatted("iso8601", t), "2024-05-01T13:05:09.123456789Z");
  EXPECT_EQ(formatted("epoch_s", iso("1969-12-31T23:59:59.5Z")), "-1");
}

TEST(TimeFormatTest, ParsesWhatItFormats) {
  for (std::string_view pattern : {"%Y-%m-%dT%H:%M:%S.%f%z", "%d/%b/%Y:%H:%M:%S %z", "%F %T",
                                   "%Y%m%d%H%M%S", "%s", "iso8601", "epoch_ns"}) {
    TimeFormat format = TimeFormat::compile(pattern).value();
    int64_t t = iso("2031-12-31T23:59:58Z");
    std::string text;
    format.format(t, text);
    auto back = format.parse(Value::string(text));
    ASSERT_TRUE(back.ok()) << pattern << ": " << back.status().to_string();
    EXPECT_EQ(*back, t) << pattern << " via " << text;
  }
}

TEST(TimeFormatTest, RefusesWhatDoesNotMatch) {
  TimeFormat format = TimeFormat::compile("%Y-%m-%d").value();
  EXPECT_EQ(format.parse(Value::string("2024-13-01")).status().code(), ExprErrc::kBadConversion);
  EXPECT_EQ(format.parse(Value::string("2024-01-01x")).status().code(), ExprErrc::kBadConversion);
  EXPECT_EQ(format.parse(Value::integer(5)).status().code(), ExprErrc::kTypeMismatch);
  EXPECT_EQ(TimeFormat::compile("%Q").status().code(), ExprErrc::kInvalidArgument);
  EXPECT_EQ(TimeFormat::compile("abc%").status().code(), ExprErrc::kInvalidArgument);
  TimeFormat epoch = TimeFormat::compile("epoch_s").value();
  EXPECT_EQ(epoch.parse(Value::integer(INT64_MAX / 10)).status().code(), ExprErrc::kOverflow);
  EXPECT_EQ(epoch.parse(Value::string("12a")).status().code(), ExprErrc::kBadConversion);
}

TEST(TimestampTest, Iso8601RoundTripsAndRefusesNonsense) {
  EXPECT_EQ(iso("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(iso("2024-05-01"), iso("2024-05-01T00:00:00Z"));
  EXPECT_EQ(iso("2024-05-01T02:00:00+02:00"), iso("2024-05-01T00:00:00Z"));
  EXPECT_EQ(iso("2024-05-01 00:00:00.5"), iso("2024-05-01T00:00:00.500Z"));
  std::string out;
  append_iso8601(-1, out);
  EXPECT_EQ(out, "1969-12-31T23:59:59.999999999Z");
  for (std::string_view bad : {"", "2024", "2024-02-30", "2024-05-01T25:00:00Z", "2024-05-01T",
                               "2024-05-01T00:00:00+25:00", "9999-01-01T00:00:00Z",
                               "2024-05-01T00:00:00Zjunk"}) {
    EXPECT_FALSE(parse_iso8601(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace caudal::pipeline
