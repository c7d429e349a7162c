// The zone dashboards of seed 004: the world split into nine zones by geohash prefix (one to
// three characters, as precise as each border needs), one map view per zone.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace caudal::demo {

enum class Zone {
  kNorthAmerica,
  kSouthAmerica,
  kOceania,
  kMediterranean,
  kNorth,
  kUk,
  kNorthEurope,
  kCentroEurope,
  kAfrica,
};

// Every zone, in the order the dashboard lists them.
std::span<const Zone> all_zones();

// The dashboard name the seed uses: "NorthAmerica", ..., "UK", "CentroEurope", "Africa".
std::string_view zone_name(Zone zone);

// The zone whose longest prefix starts `geohash`; nullopt for places no zone covers (Asia,
// the oceans away from the coasts).
std::optional<Zone> zone_of_geohash(std::string_view geohash);

struct ZonePrefix {
  std::string_view prefix;
  Zone zone;
};

// The prefix table zone_of_geohash() reads, for docs/demo.md and the dashboard.
std::span<const ZonePrefix> zone_prefixes();

}  // namespace caudal::demo
