// Timestamps in events: int64 nanoseconds since the Unix epoch, UTC (years 1678 to 2262).
// ISO-8601 is their text form in JSON; expr/time_format.h has the other formats.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace caudal::pipeline {

inline constexpr int64_t kNanosPerSecond = 1'000'000'000;
inline constexpr int64_t kNanosPerMilli = 1'000'000;

// "2024-05-01T12:30:00Z", with ".123", ".123456" or ".123456789" when there is a fraction.
void append_iso8601(int64_t nanos, std::string& out);
// The same as a JSON string: quotes included.
void append_iso8601_quoted(int64_t nanos, std::string& out);

// RFC 3339 / ISO-8601: date "YYYY-MM-DD", then optionally "T" (or space) "HH:MM[:SS[.fff...]]"
// and a zone "Z", "+HH:MM", "+HHMM" or "+HH" (no zone means UTC). Errors say what is wrong.
Result<int64_t> parse_iso8601(std::string_view text);

// Nanoseconds of a civil UTC date and time; kOutOfRange when outside the timestamp range or
// when the fields are not a real date (month 13, February 30).
Result<int64_t> civil_to_nanos(int64_t year, int month, int day, int hour, int minute, int second,
                               int64_t nanos);

struct CivilTime {
  int64_t year;
  int month, day, hour, minute, second;
  int64_t nanos;     // within the second
  int weekday;       // 0 = Sunday
  int day_of_year;   // 1..366
};
CivilTime nanos_to_civil(int64_t nanos);

}  // namespace caudal::pipeline
