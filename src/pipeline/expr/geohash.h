// Geohash (geohash.org, public domain scheme): a latitude/longitude cell as a base-32 string,
// longitude and latitude bits interleaved, longitude first. Precision 1 to 12 characters.
#pragma once

#include <string>

namespace caudal::pipeline {

inline constexpr int kMaxGeohashPrecision = 12;

// Preconditions (checked by the caller): -90 <= latitude <= 90, -180 <= longitude <= 180,
// 1 <= precision <= kMaxGeohashPrecision.
std::string geohash_encode(double latitude, double longitude, int precision);

}  // namespace caudal::pipeline
