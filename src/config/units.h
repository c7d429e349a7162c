// Durations and byte sizes as written in caudal.yaml: a whole number and a unit, e.g. `500ms`,
// `8d`, `64KiB`, `10GB`. The grammar and the unit table are in docs/configuration.md.
//
// A failed parse returns kInvalid with a message that says what was expected ("expected a
// duration such as 500ms, 30s or 8d") and nothing about the input: the caller appends what it
// found, because only the caller knows whether that text is a secret that must not be echoed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace caudal::config {

// Units ns, us, ms, s, m, h, d (24h), w (7d). Negative values and values past int64
// nanoseconds (about 292 years) are refused.
Result<Duration> parse_duration(std::string_view text);

// A bare number of bytes or a number followed by B, KiB, MiB, GiB, TiB, PiB (powers of 1024)
// or kB/KB, MB, GB, TB, PB (powers of 1000). Negative values and values past 2^64-1 are refused.
Result<uint64_t> parse_size(std::string_view text);

// The shortest exact spelling that parse_duration / parse_size read back to the same value:
// 691200s -> "8d", 10737418240 -> "10GiB", 10000000000 -> "10GB", 1000001 -> "1000001".
std::string format_duration(Duration duration);
std::string format_size(uint64_t bytes);

}  // namespace caudal::config
