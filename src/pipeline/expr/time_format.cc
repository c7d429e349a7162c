#include "pipeline/expr/time_format.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "pipeline/event/timestamp.h"
#include "pipeline/expr/errc.h"

namespace caudal::pipeline {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"January", "February", "March",     "April",
                                                      "May",     "June",     "July",      "August",
                                                      "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};

constexpr std::string_view kDirectives = "YymdeHIMSfLzZbBaAjsp%";

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

// Matches a name, full or as its first three letters, at text[pos]; returns its index or -1.
template <size_t N>
int match_name(std::string_view text, size_t& pos, const std::array<std::string_view, N>& names) {
  for (size_t i = 0; i < N; ++i) {
    std::string_view full = names[i];
    if (equals_ignoring_case(text.substr(pos, full.size()), full)) {
      pos += full.size();
      return static_cast<int>(i);
    }
  }
  for (size_t i = 0; i < N; ++i) {
    if (equals_ignoring_case(text.substr(pos, 3), names[i].substr(0, 3))) {
      pos += 3;
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Between min_digits and max_digits digits at text[pos].
bool read_digits(std::string_view text, size_t& pos, size_t min_digits, size_t max_digits,
                 int64_t& out) {
  size_t start = pos;
  int64_t value = 0;
  while (pos < text.size() && pos - start < max_digits && text[pos] >= '0' && text[pos] <= '9') {
    value = value * 10 + (text[pos] - '0');
    ++pos;
  }
  if (pos - start < min_digits) {
    pos = start;
    return false;
  }
  out = value;
  return true;
}

Status conversion_error(std::string message) {
  return Status(ExprErrc::kBadConversion, std::move(message));
}

// Epoch numbers: `scale` nanoseconds per unit.
Result<int64_t> from_epoch(Value input, int64_t scale, std::string_view pattern) {
  auto out_of_range = [&] {
    return Status(ExprErrc::kOverflow,
                  fmt::format("epoch value out of the timestamp range (format '{}')", pattern));
  };
  if (input.is_int()) {
    int64_t nanos = 0;
    if (__builtin_mul_overflow(input.as_int(), scale, &nanos)) return out_of_range();
    return nanos;
  }
  double number = 0;
  if (input.is_double()) {
    number = input.as_double();
  } else if (input.is_string()) {
    std::string_view text = input.as_string();
    int64_t whole = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
      int64_t nanos = 0;
      if (__builtin_mul_overflow(whole, scale, &nanos)) return out_of_range();
      return nanos;
    }
    auto [end2, ec2] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec2 != std::errc() || end2 != text.data() + text.size() || text.empty()) {
      return conversion_error(
          fmt::format("'{}' is not a number of the epoch format '{}'", text.substr(0, 64), pattern));
    }
  } else {
    return Status(ExprErrc::kTypeMismatch,
                  fmt::format("the epoch format '{}' needs a number or a string, not {}", pattern,
                              kind_name(input.kind())));
  }
  double nanos = number * static_cast<double>(scale);
  if (!std::isfinite(nanos) || nanos >= 9.2e18 || nanos <= -9.2e18) return out_of_range();
  return static_cast<int64_t>(nanos);
}

}  // namespace

Result<TimeFormat> TimeFormat::compile(std::string_view pattern) {
  TimeFormat format;
  format.pattern_ = std::string(pattern);
  if (pattern == "iso8601" || pattern == "rfc3339") {
    format.kind_ = Kind::kIso8601;
  } else if (pattern == "epoch_s") {
    format.kind_ = Kind::kEpochSeconds;
  } else if (pattern == "epoch_ms") {
    format.kind_ = Kind::kEpochMillis;
  } else if (pattern == "epoch_us") {
    format.kind_ = Kind::kEpochMicros;
  } else if (pattern == "epoch_ns") {
    format.kind_ = Kind::kEpochNanos;
  }
  if (format.kind_ != Kind::kPattern) return format;
  if (pattern.empty()) return Status(ExprErrc::kInvalidArgument, "the time format is empty");

  auto literal = [&](char c) {
    if (format.pieces_.empty() || format.pieces_.back().directive != 0) {
      format.pieces_.push_back(Piece{0, {}});
    }
    format.pieces_.back().literal.push_back(c);
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == ' ') {
      format.pieces_.push_back(Piece{' ', {}});
      continue;
    }
    if (c != '%') {
      literal(c);
      continue;
    }
    if (i + 1 >= pattern.size()) {
      return Status(ExprErrc::kInvalidArgument,
                    fmt::format("time format '{}' ends with a lone '%'", pattern));
    }
    char directive = pattern[++i];
    if (directive == 'T') {
      for (char d : {'H', ':', 'M', ':', 'S'}) {
        if (d == ':') {
          literal(':');
        } else {
          format.pieces_.push_back(Piece{d, {}});
        }
      }
    } else if (directive == 'F') {
      for (char d : {'Y', '-', 'm', '-', 'd'}) {
        if (d == '-') {
          literal('-');
        } else {
          format.pieces_.push_back(Piece{d, {}});
        }
      }
    } else if (directive == '%') {
      literal('%');
    } else if (kDirectives.find(directive) != std::string_view::npos) {
      format.pieces_.push_back(Piece{directive, {}});
    } else {
      return Status(ExprErrc::kInvalidArgument,
                    fmt::format("time format '{}': unknown directive '%{}'", pattern, directive));
    }
  }
  return format;
}

Result<int64_t> TimeFormat::parse(Value input) const {
  if (input.is_timestamp()) return input.as_timestamp();
  switch (kind_) {
    case Kind::kEpochSeconds: return from_epoch(input, kNanosPerSecond, pattern_);
    case Kind::kEpochMillis: return from_epoch(input, kNanosPerMilli, pattern_);
    case Kind::kEpochMicros: return from_epoch(input, 1000, pattern_);
    case Kind::kEpochNanos: return from_epoch(input, 1, pattern_);
    default: break;
  }
  if (!input.is_string()) {
    return Status(ExprErrc::kTypeMismatch,
                  fmt::format("the time format '{}' needs a string, not {}", pattern_,
                              kind_name(input.kind())));
  }
  if (kind_ == Kind::kIso8601) {
    auto parsed = parse_iso8601(input.as_string());
    if (!parsed.ok()) return conversion_error(parsed.status().message());
    return parsed;
  }
  return parse_pattern(input.as_string());
}

Result<int64_t> TimeFormat::parse_pattern(std::string_view text) const {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0;
  int64_t offset_minutes = 0;
  int64_t day_of_year = 0;
  int pm = -1;
  bool has_epoch = false;
  int64_t epoch = 0;
  size_t pos = 0;
  auto mismatch = [&](std::string_view expected) {
    return conversion_error(fmt::format("'{}' does not match the time format '{}': expected {} at "
                                        "character {}",
                                        text.substr(0, 64), pattern_, expected, pos + 1));
  };
  for (const Piece& piece : pieces_) {
    switch (piece.directive) {
      case 0:
        if (text.substr(pos, piece.literal.size()) != piece.literal) {
          return mismatch(fmt::format("'{}'", piece.literal));
        }
        pos += piece.literal.size();
        break;
      case ' ':
        while (pos < text.size() && text[pos] == ' ') ++pos;
        break;
      case 'Y':
        if (!read_digits(text, pos, 4, 4, year)) return mismatch("a 4-digit year");
        break;
      case 'y':
        if (!read_digits(text, pos, 2, 2, year)) return mismatch("a 2-digit year");
        year += year >= 69 ? 1900 : 2000;
        break;
      case 'm':
        if (!read_digits(text, pos, 1, 2, month)) return mismatch("a month");
        break;
      case 'e':
        if (pos < text.size() && text[pos] == ' ') ++pos;
        [[fallthrough]];
      case 'd':
        if (!read_digits(text, pos, 1, 2, day)) return mismatch("a day");
        break;
      case 'H':
      case 'I':
        if (!read_digits(text, pos, 1, 2, hour)) return mismatch("an hour");
        break;
      case 'M':
        if (!read_digits(text, pos, 1, 2, minute)) return mismatch("minutes");
        break;
      case 'S':
        if (!read_digits(text, pos, 1, 2, second)) return mismatch("seconds");
        break;
      case 'f': {
        size_t start = pos;
        if (!read_digits(text, pos, 1, 9, nanos)) return mismatch("a fraction of a second");
        for (size_t digits = pos - start; digits < 9; ++digits) nanos *= 10;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        break;
      }
      case 'L':
        if (!read_digits(text, pos, 3, 3, nanos)) return mismatch("3 digits of milliseconds");
        nanos *= kNanosPerMilli;
        break;
      case 'z': {
        if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
          ++pos;
          break;
        }
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
          return mismatch("a zone offset like +0200");
        }
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t zone_hours = 0, zone_minutes = 0;
        if (!read_digits(text, pos, 2, 2, zone_hours)) return mismatch("a zone offset like +0200");
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' &&
            !read_digits(text, pos, 2, 2, zone_minutes)) {
          return mismatch("zone offset minutes");
        }
        if (zone_hours > 23 || zone_minutes > 59) return mismatch("a zone offset like +0200");
        offset_minutes = sign * (zone_hours * 60 + zone_minutes);
        break;
      }
      case 'Z': {
        bool matched = false;
        for (std::string_view zone : {"UTC", "GMT", "Z"}) {
          if (text.substr(pos, zone.size()) == zone) {
            pos += zone.size();
            matched = true;
            break;
          }
        }
        if (!matched) return mismatch("UTC, GMT or Z");
        break;
      }
      case 'b':
      case 'B': {
        int index = match_name(text, pos, kMonths);
        if (index < 0) return mismatch("a month name");
        month = index + 1;
        break;
      }
      case 'a':
      case 'A':
        if (match_name(text, pos, kWeekdays) < 0) return mismatch("a weekday name");
        break;
      case 'j':
        if (!read_digits(text, pos, 1, 3, day_of_year) || day_of_year < 1 || day_of_year > 366) {
          return mismatch("a day of the year");
        }
        break;
      case 's': {
        bool negative = pos < text.size() && text[pos] == '-';
        if (negative) ++pos;
        if (!read_digits(text, pos, 1, 12, epoch)) return mismatch("seconds since the epoch");
        if (negative) epoch = -epoch;
        has_epoch = true;
        break;
      }
      case 'p':
        if (equals_ignoring_case(text.substr(pos, 2), "AM")) {
          pm = 0;
        } else if (equals_ignoring_case(text.substr(pos, 2), "PM")) {
          pm = 1;
        } else {
          return mismatch("AM or PM");
        }
        pos += 2;
        break;
      default: return mismatch("a known directive");
    }
  }
  if (pos != text.size()) return mismatch("the end of the text");
  int64_t result = 0;
  if (has_epoch) {
    if (__builtin_mul_overflow(epoch, kNanosPerSecond, &result) ||
        __builtin_add_overflow(result, nanos, &result)) {
      return Status(ExprErrc::kOverflow, fmt::format("'{}' is outside the timestamp range", text));
    }
    return result;
  }
  if (pm >= 0) {
    if (hour < 1 || hour > 12) return mismatch("an hour from 1 to 12 with AM/PM");
    hour = hour % 12 + (pm == 1 ? 12 : 0);
  }
  auto nanos_result = civil_to_nanos(year, static_cast<int>(month), static_cast<int>(day),
                                     static_cast<int>(hour), static_cast<int>(minute),
                                     static_cast<int>(second), nanos);
  if (!nanos_result.ok()) {
    return conversion_error(fmt::format("'{}' (time format '{}'): {}", text.substr(0, 64), pattern_,
                                        nanos_result.status().message()));
  }
  result = *nanos_result;
  if (day_of_year > 0) result += (day_of_year - 1) * 86'400 * kNanosPerSecond;
  if (__builtin_sub_overflow(result, offset_minutes * 60 * kNanosPerSecond, &result)) {
    return Status(ExprErrc::kOverflow, fmt::format("'{}' is outside the timestamp range", text));
  }
  return result;
}

void TimeFormat::format(int64_t nanos, std::string& out) const {
  auto floor_div = [](int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); };
  switch (kind_) {
    case Kind::kIso8601: append_iso8601(nanos, out); return;
    case Kind::kEpochSeconds: fmt::format_to(std::back_inserter(out), "{}", floor_div(nanos, kNanosPerSecond)); return;
    case Kind::kEpochMillis: fmt::format_to(std::back_inserter(out), "{}", floor_div(nanos, kNanosPerMilli)); return;
    case Kind::kEpochMicros: fmt::format_to(std::back_inserter(out), "{}", floor_div(nanos, 1000)); return;
    case Kind::kEpochNanos: fmt::format_to(std::back_inserter(out), "{}", nanos); return;
    case Kind::kPattern: break;
  }
  CivilTime t = nanos_to_civil(nanos);
  auto it = std::back_inserter(out);
  for (const Piece& piece : pieces_) {
    switch (piece.directive) {
      case 0: out += piece.literal; break;
      case ' ': out.push_back(' '); break;
      case 'Y': fmt::format_to(it, "{:04}", t.year); break;
      case 'y': fmt::format_to(it, "{:02}", t.year % 100); break;
      case 'm': fmt::format_to(it, "{:02}", t.month); break;
      case 'd': fmt::format_to(it, "{:02}", t.day); break;
      case 'e': fmt::format_to(it, "{:>2}", t.day); break;
      case 'H': fmt::format_to(it, "{:02}", t.hour); break;
      case 'I': fmt::format_to(it, "{:02}", (t.hour + 11) % 12 + 1); break;
      case 'M': fmt::format_to(it, "{:02}", t.minute); break;
      case 'S': fmt::format_to(it, "{:02}", t.second); break;
      case 'f': fmt::format_to(it, "{:06}", t.nanos / 1000); break;
      case 'L': fmt::format_to(it, "{:03}", t.nanos / kNanosPerMilli); break;
      case 'z': out += "+0000"; break;
      case 'Z': out += "UTC"; break;
      case 'b': out += kMonths[t.month - 1].substr(0, 3); break;
      case 'B': out += kMonths[t.month - 1]; break;
      case 'a': out += kWeekdays[t.weekday].substr(0, 3); break;
      case 'A': out += kWeekdays[t.weekday]; break;
      case 'j': fmt::format_to(it, "{:03}", t.day_of_year); break;
      case 's': fmt::format_to(it, "{}", floor_div(nanos, kNanosPerSecond)); break;
      case 'p': out += t.hour < 12 ? "AM" : "PM"; break;
      default: break;
    }
  }
}

}  // namespace caudal::pipeline
