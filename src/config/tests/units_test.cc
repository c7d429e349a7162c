#include "config/units.h"

#include <gtest/gtest.h>

#include "config/errc.h"

namespace caudal::config {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(DurationTest, ParsesEveryUnit) {
  const std::vector<std::pair<std::string_view, Duration>> table = {
      {"0s", Duration(0)},
      {"7ns", nanoseconds(7)},
      {"250us", std::chrono::microseconds(250)},
      {"500ms", milliseconds(500)},
      {"30s", seconds(30)},
      {"5m", minutes(5)},
      {"2h", hours(2)},
      {"8d", hours(8 * 24)},
      {"1w", hours(7 * 24)},
      {"90 s", seconds(90)},
      {"106751d", hours(106751 * 24)},
  };
  for (const auto& [text, expected] : table) {
    Result<Duration> parsed = parse_duration(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(DurationTest, RefusesWithWhatWasExpected) {
  const std::vector<std::pair<std::string_view, std::string_view>> table = {
      {"", "expected a duration such as 500ms, 30s or 8d"},
      {"30", "expected a duration such as 500ms, 30s or 8d"},
      {"eight days", "expected a duration such as 500ms, 30s or 8d"},
      {"1.5s", "expected a duration such as 500ms, 30s or 8d"},
      {"1h30m", "expected a duration such as 500ms, 30s or 8d"},
      {"5M", "expected a duration such as 500ms, 30s or 8d"},
      {"+5s", "expected a duration such as 500ms, 30s or 8d"},
      {" 5s", "expected a duration such as 500ms, 30s or 8d"},
      {"-5s", "expected a duration of zero or more"},
      {"106752d", "expected a duration of at most 106751d (about 292 years)"},
      {"99999999999999999999ns", "expected a duration of at most 106751d (about 292 years)"},
  };
  for (const auto& [text, message] : table) {
    Result<Duration> parsed = parse_duration(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), make_error_code(Errc::kInvalid));
    EXPECT_EQ(parsed.status().message(), message) << text;
  }
}

TEST(DurationTest, FormatsInTheLargestExactUnit) {
  EXPECT_EQ(format_duration(Duration(0)), "0s");
  EXPECT_EQ(format_duration(hours(8 * 24)), "8d");
  EXPECT_EQ(format_duration(hours(14 * 24)), "2w");
  EXPECT_EQ(format_duration(minutes(90)), "90m");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(nanoseconds(1001)), "1001ns");
  for (std::string_view text : {"8d", "200ms", "7ns", "3w", "25h"}) {
    EXPECT_EQ(format_duration(*parse_duration(text)), text);
  }
}

TEST(SizeTest, ParsesBinaryAndDecimalUnits) {
  const std::vector<std::pair<std::string_view, uint64_t>> table = {
      {"0", 0},
      {"512", 512},
      {"512B", 512},
      {"64KiB", 64ull << 10},
      {"10MiB", 10ull << 20},
      {"10GiB", 10ull << 30},
      {"1TiB", 1ull << 40},
      {"2PiB", 2ull << 50},
      {"10KB", 10'000},
      {"10kB", 10'000},
      {"10MB", 10'000'000},
      {"10GB", 10'000'000'000},
      {"3TB", 3'000'000'000'000},
      {"1PB", 1'000'000'000'000'000},
      {"10 GiB", 10ull << 30},
      {"18446744073709551615", UINT64_MAX},
      {"16383PiB", 16383ull << 50},
  };
  for (const auto& [text, expected] : table) {
    Result<uint64_t> parsed = parse_size(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(SizeTest, RefusesWithWhatWasExpected) {
  const std::string_view general = "expected a size such as 512, 64KiB, 10MiB or 10GB";
  const std::string_view overflow = "expected a size that fits in 64 bits (below 16384PiB)";
  const std::vector<std::pair<std::string_view, std::string_view>> table = {
      {"", general},
      {"GiB", general},
      {"10 gigabytes", general},
      {"10gb", general},
      {"10G", general},
      {"1.5GiB", general},
      {"0x10", general},
      {"-1", "expected a size of zero or more"},
      {"-1GiB", "expected a size of zero or more"},
      {"18446744073709551616", overflow},
      {"16384PiB", overflow},
      {"20000000000TB", overflow},
  };
  for (const auto& [text, message] : table) {
    Result<uint64_t> parsed = parse_size(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message(), message) << text;
  }
}

TEST(SizeTest, FormatsWithTheShortestExactUnit) {
  EXPECT_EQ(format_size(0), "0");
  EXPECT_EQ(format_size(512), "512");
  EXPECT_EQ(format_size(1000), "1KB");
  EXPECT_EQ(format_size(1024), "1KiB");
  EXPECT_EQ(format_size(10ull << 30), "10GiB");
  EXPECT_EQ(format_size(10'000'000'000), "10GB");
  EXPECT_EQ(format_size(1'000'001), "1000001");
  EXPECT_EQ(format_size(UINT64_MAX), "18446744073709551615");
  for (std::string_view text : {"64KiB", "10MB", "1TiB", "4000KiB", "3PB"}) {
    EXPECT_EQ(format_size(*parse_size(text)), text) << text;
  }
}

}  // namespace
}  // namespace caudal::config
