#include "pipeline/event/timestamp.h"

#include <chrono>
#include <limits>

#include <fmt/format.h>

#include "common/errc.h"

namespace caudal::pipeline {
namespace {

constexpr int64_t kNanosPerDay = 86'400 * kNanosPerSecond;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Result<int64_t> civil_to_nanos(int64_t year, int month, int day, int hour, int minute, int second,
                               int64_t nanos) {
  using namespace std::chrono;
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 || nanos < 0 ||
      nanos >= kNanosPerSecond) {
    return Status(Errc::kOutOfRange,
                  fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02} is not a valid date and time",
                              year, month, day, hour, minute, second));
  }
  year_month_day date{std::chrono::year(static_cast<int>(year)),
                      std::chrono::month(static_cast<unsigned>(month)),
                      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) {
    return Status(Errc::kOutOfRange,
                  fmt::format("{:04}-{:02}-{:02} is not a date", year, month, day));
  }
  int64_t days = sys_days(date).time_since_epoch().count();
  // A leap second (:60) folds into the next second, as POSIX time does.
  int64_t total = 0;
  if (__builtin_mul_overflow(days, kNanosPerDay, &total) ||
      __builtin_add_overflow(total, int64_t{hour * 3600 + minute * 60 + second} * kNanosPerSecond + nanos,
                             &total)) {
    return Status(Errc::kOutOfRange,
                  fmt::format("{:04}-{:02}-{:02} is outside the timestamp range (1678 to 2262)",
                              year, month, day));
  }
  return total;
}

CivilTime nanos_to_civil(int64_t nanos) {
  using namespace std::chrono;
  int64_t days = floor_div(nanos, kNanosPerDay);
  int64_t in_day = nanos - days * kNanosPerDay;
  sys_days day_point{std::chrono::days(days)};
  year_month_day date{day_point};
  CivilTime civil{};
  civil.year = static_cast<int>(date.year());
  civil.month = static_cast<int>(static_cast<unsigned>(date.month()));
  civil.day = static_cast<int>(static_cast<unsigned>(date.day()));
  int64_t seconds = in_day / kNanosPerSecond;
  civil.hour = static_cast<int>(seconds / 3600);
  civil.minute = static_cast<int>(seconds / 60 % 60);
  civil.second = static_cast<int>(seconds % 60);
  civil.nanos = in_day % kNanosPerSecond;
  civil.weekday = static_cast<int>(weekday(day_point).c_encoding());
  civil.day_of_year =
      static_cast<int>((day_point - sys_days(date.year() / January / 1)).count()) + 1;
  return civil;
}

void append_iso8601(int64_t nanos, std::string& out) {
  CivilTime t = nanos_to_civil(nanos);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", t.year, t.month,
                 t.day, t.hour, t.minute, t.second);
  if (t.nanos != 0) {
    if (t.nanos % 1'000'000 == 0) {
      fmt::format_to(std::back_inserter(out), ".{:03}", t.nanos / 1'000'000);
    } else if (t.nanos % 1'000 == 0) {
      fmt::format_to(std::back_inserter(out), ".{:06}", t.nanos / 1'000);
    } else {
      fmt::format_to(std::back_inserter(out), ".{:09}", t.nanos);
    }
  }
  out.push_back('Z');
}

namespace {

// Reads exactly `count` digits at text[pos].
bool digits(std::string_view text, size_t& pos, size_t count, int64_t& out) {
  if (pos + count > text.size()) return false;
  int64_t value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

}  // namespace

Result<int64_t> parse_iso8601(std::string_view text) {
  auto bad = [&](std::string_view what) {
    return Status(Errc::kMalformed,
                  fmt::format("'{}' is not an ISO-8601 timestamp: {}", text.substr(0, 64), what));
  };
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, fraction = 0;
  if (!digits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !digits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !digits(text, pos, 2, day)) {
    return bad("expected a date YYYY-MM-DD");
  }
  int64_t offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') {
      return bad("expected 'T' after the date");
    }
    ++pos;
    if (!digits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
        !digits(text, pos, 2, minute)) {
      return bad("expected a time HH:MM");
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!digits(text, pos, 2, second)) return bad("expected seconds after ':'");
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        size_t count = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          // Beyond nanoseconds the digits are read and dropped.
          if (count < 9) fraction = fraction * 10 + (text[pos] - '0');
          ++count;
          ++pos;
        }
        if (count == 0) return bad("expected digits after the decimal point");
        for (size_t i = count; i < 9; ++i) fraction *= 10;
      }
    }
    if (pos < text.size()) {
      char zone = text[pos];
      if (zone == 'Z' || zone == 'z') {
        ++pos;
      } else if (zone == '+' || zone == '-') {
        ++pos;
        int64_t zone_hours = 0, zone_minutes = 0;
        if (!digits(text, pos, 2, zone_hours)) return bad("expected a zone offset +HH:MM");
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && !digits(text, pos, 2, zone_minutes)) {
          return bad("expected a zone offset +HH:MM");
        }
        if (zone_hours > 23 || zone_minutes > 59) return bad("zone offset out of range");
        offset_minutes = (zone_hours * 60 + zone_minutes) * (zone == '-' ? -1 : 1);
      } else {
        return bad("expected 'Z' or a zone offset");
      }
    }
    if (pos != text.size()) return bad("unexpected text after the timestamp");
  }
  auto nanos = civil_to_nanos(year, static_cast<int>(month), static_cast<int>(day),
                              static_cast<int>(hour), static_cast<int>(minute),
                              static_cast<int>(second), fraction);
  if (!nanos.ok()) return bad(nanos.status().message());
  int64_t utc = 0;
  if (__builtin_sub_overflow(*nanos, offset_minutes * 60 * kNanosPerSecond, &utc)) {
    return bad("outside the timestamp range");
  }
  return utc;
}

void append_iso8601_quoted(int64_t nanos, std::string& out) {
  out.push_back('"');
  append_iso8601(nanos, out);
  out.push_back('"');
}

}  // namespace caudal::pipeline
