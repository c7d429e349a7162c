// Dates as the index keeps them: milliseconds since the Unix epoch, UTC. Parsing follows
// Elasticsearch's default date format `strict_date_optional_time||epoch_millis`; date math
// follows its documented syntax (`now-15m`, `now/d`, `2024-01-01||+1M/M`). Time zones are
// `Z`, `UTC` or fixed offsets (`+01:00`, `-0530`); named zones (Europe/Paris) are refused with
// a message, since this build's standard library has no time zone database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace caudal::index {

// ISO 8601 date or date-time: 2024-05-01, 2024-05-01T10:00, 2024-05-01T10:00:00.123Z,
// 2024-05-01T10:00:00+02:00 (also with a space instead of the T). nullopt when `text` is none.
std::optional<int64_t> parse_iso_date(std::string_view text);

// 2024-05-01T10:00:00.000Z (as Elasticsearch renders key_as_string).
std::string format_iso_date(int64_t millis, int64_t offset_ms = 0);

// A time zone: its offset from UTC in milliseconds. kIllegalArgument for names.
Result<int64_t> parse_time_zone(std::string_view text);

// Evaluates a date-math expression against `now_ms`: `now`, an ISO date or epoch millis, each
// optionally followed by `||` (for dates) and operations `+1d`, `-15m`, `/h`. `round_up`
// selects the end of a rounding unit (range's lte/gt use it, as in Elasticsearch).
Result<int64_t> eval_date_math(std::string_view text, int64_t now_ms, bool round_up,
                               int64_t zone_offset_ms = 0);

// Calendar arithmetic used by date math and calendar date histograms. Units: y M w d h m s
// (and H for hours). `offset_ms` is the zone offset in which day and month boundaries lie.
int64_t round_down_to_unit(int64_t millis, char unit, int64_t offset_ms);
int64_t add_units(int64_t millis, char unit, int64_t count);

}  // namespace caudal::index
