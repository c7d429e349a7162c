#include "config/units.h"

#include <array>
#include <limits>

#include <fmt/format.h>

#include "config/errc.h"

namespace caudal::config {
namespace {

constexpr std::string_view kExpectedDuration = "expected a duration such as 500ms, 30s or 8d";
constexpr std::string_view kExpectedSize = "expected a size such as 512, 64KiB, 10MiB or 10GB";

struct Unit {
  std::string_view suffix;
  uint64_t factor;
};

// Largest first, so formatting picks the largest unit that divides the value exactly.
constexpr uint64_t kNanosPerSecond = 1'000'000'000;
constexpr std::array<Unit, 8> kDurationUnits{{
    {"w", 7 * 86400 * kNanosPerSecond},
    {"d", 86400 * kNanosPerSecond},
    {"h", 3600 * kNanosPerSecond},
    {"m", 60 * kNanosPerSecond},
    {"s", kNanosPerSecond},
    {"ms", 1'000'000},
    {"us", 1'000},
    {"ns", 1},
}};

constexpr std::array<Unit, 6> kBinarySizeUnits{{
    {"PiB", 1ull << 50},
    {"TiB", 1ull << 40},
    {"GiB", 1ull << 30},
    {"MiB", 1ull << 20},
    {"KiB", 1ull << 10},
    {"B", 1},
}};
constexpr std::array<Unit, 6> kDecimalSizeUnits{{
    {"PB", 1'000'000'000'000'000},
    {"TB", 1'000'000'000'000},
    {"GB", 1'000'000'000},
    {"MB", 1'000'000},
    {"KB", 1'000},
    {"kB", 1'000},
}};

Status invalid(std::string_view expected) {
  return Status(Errc::kInvalid, std::string(expected));
}

// A whole number followed (after optional spaces) by a unit suffix.
struct NumberAndUnit {
  bool negative = false;
  bool overflow = false;  // the digits alone do not fit 64 bits
  uint64_t number = 0;
  std::string_view unit;
  bool well_formed = false;
};

NumberAndUnit split_number(std::string_view text) {
  NumberAndUnit out;
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    out.negative = true;
    ++i;
  }
  const size_t digits_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    const auto digit = static_cast<uint64_t>(text[i] - '0');
    if (__builtin_mul_overflow(out.number, 10u, &out.number) ||
        __builtin_add_overflow(out.number, digit, &out.number)) {
      out.overflow = true;
    }
    ++i;
  }
  if (i == digits_start) return out;
  while (i < text.size() && text[i] == ' ') ++i;
  out.unit = text.substr(i);
  out.well_formed = true;
  return out;
}

const Unit* find_unit(std::string_view suffix, const Unit* begin, const Unit* end) {
  for (const Unit* u = begin; u != end; ++u) {
    if (u->suffix == suffix) return u;
  }
  return nullptr;
}

// `value` in the largest of `units` that divides it exactly; the bare number when none does.
std::string format_with(uint64_t value, const Unit* begin, const Unit* end, uint64_t* mantissa) {
  for (const Unit* u = begin; u != end; ++u) {
    if (value % u->factor == 0) {
      *mantissa = value / u->factor;
      return fmt::format("{}{}", *mantissa, u->suffix);
    }
  }
  *mantissa = value;
  return fmt::format("{}", value);
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  const NumberAndUnit parsed = split_number(text);
  if (!parsed.well_formed) return invalid(kExpectedDuration);
  const Unit* unit = find_unit(parsed.unit, kDurationUnits.begin(), kDurationUnits.end());
  if (unit == nullptr) return invalid(kExpectedDuration);
  if (parsed.negative) return invalid("expected a duration of zero or more");
  uint64_t nanos = 0;
  if (parsed.overflow || __builtin_mul_overflow(parsed.number, unit->factor, &nanos) ||
      nanos > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return invalid("expected a duration of at most 106751d (about 292 years)");
  }
  return Duration(static_cast<int64_t>(nanos));
}

Result<uint64_t> parse_size(std::string_view text) {
  const NumberAndUnit parsed = split_number(text);
  if (!parsed.well_formed) return invalid(kExpectedSize);
  uint64_t factor = 1;
  if (!parsed.unit.empty()) {
    const Unit* unit = find_unit(parsed.unit, kBinarySizeUnits.begin(), kBinarySizeUnits.end());
    if (unit == nullptr) {
      unit = find_unit(parsed.unit, kDecimalSizeUnits.begin(), kDecimalSizeUnits.end());
    }
    if (unit == nullptr) return invalid(kExpectedSize);
    factor = unit->factor;
  }
  if (parsed.negative) return invalid("expected a size of zero or more");
  uint64_t bytes = 0;
  if (parsed.overflow || __builtin_mul_overflow(parsed.number, factor, &bytes)) {
    return invalid("expected a size that fits in 64 bits (below 16384PiB)");
  }
  return bytes;
}

std::string format_duration(Duration duration) {
  CAUDAL_CHECK(duration.count() >= 0, "configured durations are never negative");
  if (duration.count() == 0) return "0s";
  uint64_t mantissa = 0;
  return format_with(static_cast<uint64_t>(duration.count()), kDurationUnits.begin(),
                     kDurationUnits.end(), &mantissa);
}

std::string format_size(uint64_t bytes) {
  if (bytes == 0) return "0";
  // "B" is the last binary unit and divides everything; drop it so plain byte counts stay bare.
  uint64_t binary_mantissa = 0;
  std::string binary =
      format_with(bytes, kBinarySizeUnits.begin(), kBinarySizeUnits.end() - 1, &binary_mantissa);
  uint64_t decimal_mantissa = 0;
  std::string decimal =
      format_with(bytes, kDecimalSizeUnits.begin(), kDecimalSizeUnits.end(), &decimal_mantissa);
  return decimal_mantissa < binary_mantissa ? decimal : binary;
}

}  // namespace caudal::config
