#include "pipeline/expr/geohash.h"

namespace caudal::pipeline {

std::string geohash_encode(double latitude, double longitude, int precision) {
  static constexpr char kBase32[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lat_low = -90, lat_high = 90, lon_low = -180, lon_high = 180;
  std::string hash;
  hash.reserve(static_cast<size_t>(precision));
  bool longitude_bit = true;
  int bits = 0;
  int value = 0;
  while (static_cast<int>(hash.size()) < precision) {
    // Each bit halves the current interval of one coordinate: 1 for the upper half.
    double& low = longitude_bit ? lon_low : lat_low;
    double& high = longitude_bit ? lon_high : lat_high;
    double coordinate = longitude_bit ? longitude : latitude;
    double middle = (low + high) / 2;
    value <<= 1;
    if (coordinate >= middle) {
      value |= 1;
      low = middle;
    } else {
      high = middle;
    }
    longitude_bit = !longitude_bit;
    if (++bits == 5) {
      hash.push_back(kBase32[value]);
      bits = 0;
      value = 0;
    }
  }
  return hash;
}

}  // namespace caudal::pipeline
