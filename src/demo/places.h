// The cities customers live around, with what a customer's address, phone and national id
// look like there. Every city lies in one of the zones (zones.h); the customer generator
// scatters customers a few kilometres around them.
#pragma once

#include <span>
#include <string_view>

#include "demo/zones.h"

namespace caudal::demo {

struct Place {
  std::string_view city;
  std::string_view country;     // ISO 3166-1 alpha-2, as the seed's customer files have it
  std::string_view phone_code;  // telephone country code, without '+'
  // Patterns: '#' is a digit, 'A' an upper-case letter, anything else is itself.
  std::string_view zip_pattern;
  std::string_view phone_pattern;
  std::string_view national_id_pattern;
  double latitude;
  double longitude;
  Zone zone;  // where the city's own geohash falls (checked by places_test)
};

std::span<const Place> all_places();

}  // namespace caudal::demo
