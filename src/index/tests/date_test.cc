#include "index/date.h"

#include <gtest/gtest.h>

namespace caudal::index {
namespace {

TEST(DateTest, ParsesIsoForms) {
  EXPECT_EQ(parse_iso_date("1970-01-01"), 0);
  EXPECT_EQ(parse_iso_date("2024-03-01T10:00:00Z"), 1709287200000);
  EXPECT_EQ(parse_iso_date("2024-03-01T10:00:00.250Z"), 1709287200250);
  EXPECT_EQ(parse_iso_date("2024-03-01T12:00:00+02:00"), 1709287200000);
  EXPECT_EQ(parse_iso_date("2024-03-01 10:00:00"), 1709287200000);
  EXPECT_FALSE(parse_iso_date("2024-13-01").has_value());
  EXPECT_FALSE(parse_iso_date("hello").has_value());
  EXPECT_FALSE(parse_iso_date("2024-03-01T10:00:00Zjunk").has_value());
}

TEST(DateTest, FormatsAsElasticsearch) {
  EXPECT_EQ(format_iso_date(1709287200250), "2024-03-01T10:00:00.250Z");
  EXPECT_EQ(format_iso_date(1709287200000, 3600000), "2024-03-01T11:00:00.000+01:00");
  EXPECT_EQ(format_iso_date(-1), "1969-12-31T23:59:59.999Z");
}

TEST(DateTest, DateMath) {
  const int64_t now = *parse_iso_date("2024-03-15T10:20:30Z");
  EXPECT_EQ(*eval_date_math("now-15m", now, false), now - 15 * 60000);
  EXPECT_EQ(*eval_date_math("now/d", now, false), *parse_iso_date("2024-03-15"));
  EXPECT_EQ(*eval_date_math("now/d", now, true), *parse_iso_date("2024-03-16") - 1);
  EXPECT_EQ(*eval_date_math("now-1M/M", now, false), *parse_iso_date("2024-02-01"));
  EXPECT_EQ(*eval_date_math("2024-01-31||+1M", now, false), *parse_iso_date("2024-02-29"));
  EXPECT_EQ(*eval_date_math("1000", now, false), 1000);
  EXPECT_EQ(*eval_date_math("2024-03-15", now, true), *parse_iso_date("2024-03-16") - 1);
  EXPECT_FALSE(eval_date_math("yesterday", now, false).ok());
  EXPECT_FALSE(eval_date_math("now-5x", now, false).ok());
}

TEST(DateTest, CalendarRounding) {
  const int64_t t = *parse_iso_date("2024-03-13T10:20:30Z");  // a Wednesday
  EXPECT_EQ(round_down_to_unit(t, 'w', 0), *parse_iso_date("2024-03-11"));
  EXPECT_EQ(round_down_to_unit(t, 'q', 0), *parse_iso_date("2024-01-01"));
  EXPECT_EQ(round_down_to_unit(t, 'd', 3600000), *parse_iso_date("2024-03-13T00:00:00+01:00"));
  EXPECT_EQ(*parse_time_zone("-05:30"), -(5 * 3600000 + 30 * 60000));
  EXPECT_FALSE(parse_time_zone("Europe/Paris").ok());
}

}  // namespace
}  // namespace caudal::index
