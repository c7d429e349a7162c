#include "index/date.h"

#include <charconv>

#include <fmt/format.h>

#include "index/errc.h"

namespace caudal::index {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// Howard Hinnant's days-from-civil and its inverse (proleptic Gregorian calendar).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool digits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

// "+01:00", "-0530", "Z"; advances pos. nullopt if malformed.
std::optional<int64_t> parse_offset(std::string_view text, size_t& pos) {
  if (pos >= text.size()) return 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
    return 0;
  }
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '-' ? -1 : 1;
  int hours = 0, minutes = 0;
  if (!digits(text, pos + 1, 2, hours)) return std::nullopt;
  pos += 3;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size()) {
    if (!digits(text, pos, 2, minutes)) return std::nullopt;
    pos += 2;
  }
  if (hours > 23 || minutes > 59) return std::nullopt;
  return sign * (hours * kHour + minutes * kMinute);
}

}  // namespace

std::optional<int64_t> parse_iso_date(std::string_view text) {
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  if (text.size() < 10 || !digits(text, 0, 4, year) || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  size_t pos = 10;
  int64_t millis = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    if (!digits(text, pos + 1, 2, hour) || hour > 23) return std::nullopt;
    pos += 3;
    if (pos < text.size() && text[pos] == ':') {
      if (!digits(text, pos + 1, 2, minute) || minute > 59) return std::nullopt;
      pos += 3;
      if (pos < text.size() && text[pos] == ':') {
        if (!digits(text, pos + 1, 2, second) || second > 60) return std::nullopt;
        pos += 3;
        if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
          ++pos;
          int64_t scale = 100;
          size_t n = 0;
          while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (n < 3) millis += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
            ++n;
          }
          if (n == 0) return std::nullopt;
        }
      }
    }
  }
  const std::optional<int64_t> offset = parse_offset(text, pos);
  if (!offset || pos != text.size()) return std::nullopt;
  const int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * kDay + hour * kHour + minute * kMinute + second * kSecond + millis - *offset;
}

std::string format_iso_date(int64_t millis, int64_t offset_ms) {
  const int64_t local = millis + offset_ms;
  const int64_t days = floor_div(local, kDay);
  const int64_t in_day = local - days * kDay;
  const Civil civil = civil_from_days(days);
  std::string zone = "Z";
  if (offset_ms != 0) {
    const int64_t abs = offset_ms < 0 ? -offset_ms : offset_ms;
    zone = fmt::format("{}{:02}:{:02}", offset_ms < 0 ? '-' : '+', abs / kHour,
                       (abs % kHour) / kMinute);
  }
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}", civil.year, civil.month,
                     civil.day, in_day / kHour, (in_day % kHour) / kMinute,
                     (in_day % kMinute) / kSecond, in_day % kSecond, zone);
}

Result<int64_t> parse_time_zone(std::string_view text) {
  if (text == "UTC" || text == "Z" || text == "Etc/UTC" || text == "GMT") return int64_t{0};
  size_t pos = 0;
  const std::optional<int64_t> offset = parse_offset(text, pos);
  if (!offset || pos != text.size() || text.empty()) {
    return Status(Errc::kIllegalArgument,
                  fmt::format("unsupported time_zone [{}]: use UTC or a fixed offset such as "
                              "+01:00 (named zones need a time zone database this build lacks)",
                              text));
  }
  return *offset;
}

int64_t round_down_to_unit(int64_t millis, char unit, int64_t offset_ms) {
  const int64_t local = millis + offset_ms;
  int64_t rounded = local;
  switch (unit) {
    case 's': rounded = floor_div(local, kSecond) * kSecond; break;
    case 'm': rounded = floor_div(local, kMinute) * kMinute; break;
    case 'h':
    case 'H': rounded = floor_div(local, kHour) * kHour; break;
    case 'd': rounded = floor_div(local, kDay) * kDay; break;
    case 'w': {
      // Weeks start on Monday; 1970-01-01 was a Thursday (day 0 is 3 days after a Monday).
      const int64_t days = floor_div(local, kDay);
      rounded = (days - ((days + 3) % 7 + 7) % 7) * kDay;
      break;
    }
    case 'M':
    case 'q':
    case 'y': {
      const Civil civil = civil_from_days(floor_div(local, kDay));
      unsigned month = civil.month;
      if (unit == 'y') month = 1;
      if (unit == 'q') month = (civil.month - 1) / 3 * 3 + 1;
      rounded = days_from_civil(civil.year, month, 1) * kDay;
      break;
    }
    default: break;
  }
  return rounded - offset_ms;
}

int64_t add_units(int64_t millis, char unit, int64_t count) {
  switch (unit) {
    case 's': return millis + count * kSecond;
    case 'm': return millis + count * kMinute;
    case 'h':
    case 'H': return millis + count * kHour;
    case 'd': return millis + count * kDay;
    case 'w': return millis + count * 7 * kDay;
    case 'M':
    case 'q':
    case 'y': {
      const int64_t months = unit == 'y' ? count * 12 : unit == 'q' ? count * 3 : count;
      const int64_t days = floor_div(millis, kDay);
      const int64_t in_day = millis - days * kDay;
      const Civil civil = civil_from_days(days);
      int64_t total = civil.year * 12 + (civil.month - 1) + months;
      const int64_t year = floor_div(total, 12);
      const unsigned month = static_cast<unsigned>(total - year * 12 + 1);
      static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      unsigned last = kDays[month - 1];
      if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) last = 29;
      const unsigned day = civil.day > last ? last : civil.day;
      return days_from_civil(year, month, day) * kDay + in_day;
    }
    default: return millis;
  }
}

Result<int64_t> eval_date_math(std::string_view text, int64_t now_ms, bool round_up,
                               int64_t zone_offset_ms) {
  int64_t value = 0;
  std::string_view ops;
  if (text.starts_with("now")) {
    value = now_ms;
    ops = text.substr(3);
  } else {
    const size_t bars = text.find("||");
    const std::string_view anchor = bars == std::string_view::npos ? text : text.substr(0, bars);
    ops = bars == std::string_view::npos ? std::string_view() : text.substr(bars + 2);
    if (std::optional<int64_t> date = parse_iso_date(anchor)) {
      value = *date;
      // A date without a zone is in the query's time_zone.
      if (anchor.find_first_of("Zz+") == std::string_view::npos &&
          anchor.find('-', 10) == std::string_view::npos) {
        value -= zone_offset_ms;
      }
      if (ops.empty() && anchor.size() == 10 && round_up) {
        // A bare day rounds up to its last millisecond for lte/gt, as Elasticsearch does.
        value += kDay - 1;
      }
    } else {
      int64_t millis = 0;
      auto [ptr, ec] = std::from_chars(anchor.data(), anchor.data() + anchor.size(), millis);
      if (ec != std::errc() || ptr != anchor.data() + anchor.size()) {
        return Status(Errc::kParsing, fmt::format("failed to parse date field [{}] with format "
                                                  "[strict_date_optional_time||epoch_millis]",
                                                  text));
      }
      value = millis;
    }
  }
  size_t pos = 0;
  while (pos < ops.size()) {
    const char op = ops[pos++];
    if (op == '/') {
      if (pos >= ops.size()) break;
      const char unit = ops[pos++];
      value = round_down_to_unit(value, unit, zone_offset_ms);
      if (round_up) value = add_units(value, unit, 1) - 1;
      continue;
    }
    if (op != '+' && op != '-') {
      return Status(Errc::kParsing, fmt::format("operator not supported for date math [{}]", text));
    }
    int64_t count = 0;
    const size_t start = pos;
    while (pos < ops.size() && ops[pos] >= '0' && ops[pos] <= '9')
      count = count * 10 + (ops[pos++] - '0');
    if (pos == start) count = 1;
    if (pos >= ops.size()) {
      return Status(Errc::kParsing, fmt::format("truncated date math [{}]", text));
    }
    const char unit = ops[pos++];
    if (std::string_view("yMwdhHms").find(unit) == std::string_view::npos) {
      return Status(Errc::kParsing,
                    fmt::format("unit [{}] not supported for date math [{}]", unit, text));
    }
    value = add_units(value, unit, op == '-' ? -count : count);
  }
  return value;
}

}  // namespace caudal::index
