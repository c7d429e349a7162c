// TimeFormat: a time format compiled once at load, for parse_time() and format_time().
//
// Named formats: "iso8601" (also "rfc3339"): 2024-05-01T12:30:00.123Z, any zone offset on
// input; "epoch_s", "epoch_ms", "epoch_us", "epoch_ns": a number (or a string of digits) since
// the Unix epoch. Anything else is a strftime-like pattern:
//   %Y year (4 digits)  %y year (2 digits: 69-99 -> 19xx, 00-68 -> 20xx)  %m month  %d day
//   %e day (space-padded)  %H hour  %I hour (12-hour clock, with %p AM/PM)  %M minute
//   %S second  %f fraction of a second (1 to 9 digits in; 6 digits, microseconds, out)
//   %L milliseconds (3 digits)  %z zone offset (+hhmm, +hh:mm or Z in; +0000 out)
//   %Z zone name (UTC, GMT or Z in; UTC out)  %b month name (Jan)  %B full month name
//   %a weekday name (Mon; checked on output only)  %A full weekday name  %j day of year (out)
//   %s seconds since the epoch  %T = %H:%M:%S  %F = %Y-%m-%d  %% a literal %
// Times are UTC unless the input has a zone; a space in the pattern matches any run of
// spaces in the input. Parsing must consume the whole input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline {

class TimeFormat {
 public:
  // kInvalidArgument (ExprErrc) when the pattern has an unknown % directive.
  static Result<TimeFormat> compile(std::string_view pattern);

  // A timestamp from a string in this format (or, for epoch formats, a number). Failures are
  // kBadConversion with what did not match.
  Result<int64_t> parse(Value input) const;

  // Appends the timestamp in this format.
  void format(int64_t nanos, std::string& out) const;

  const std::string& pattern() const { return pattern_; }

 private:
  enum class Kind : uint8_t { kIso8601, kEpochSeconds, kEpochMillis, kEpochMicros, kEpochNanos, kPattern };
  // A pattern is literal text and directives (the character after %, or ' ' for "any spaces").
  struct Piece {
    char directive;  // 0 for literal text
    std::string literal;
  };

  Result<int64_t> parse_pattern(std::string_view text) const;

  std::string pattern_;
  Kind kind_ = Kind::kPattern;
  std::vector<Piece> pieces_;
};

}  // namespace caudal::pipeline
