#include "demo/zones.h"

#include <array>

namespace caudal::demo {
namespace {

// Longest prefix wins, so a country-sized exception ("d2": Colombia and Venezuela) can sit
// inside a continent-sized cell ("d": eastern North America).
constexpr std::array kPrefixes = {
    ZonePrefix{"9", Zone::kNorthAmerica},   ZonePrefix{"b", Zone::kNorthAmerica},
    ZonePrefix{"c", Zone::kNorthAmerica},   ZonePrefix{"d", Zone::kNorthAmerica},
    ZonePrefix{"f", Zone::kNorthAmerica},   ZonePrefix{"6", Zone::kSouthAmerica},
    ZonePrefix{"7", Zone::kSouthAmerica},   ZonePrefix{"4", Zone::kSouthAmerica},
    ZonePrefix{"5", Zone::kSouthAmerica},   ZonePrefix{"d2", Zone::kSouthAmerica},
    ZonePrefix{"d3", Zone::kSouthAmerica},  ZonePrefix{"d8", Zone::kSouthAmerica},
    ZonePrefix{"d9", Zone::kSouthAmerica},  ZonePrefix{"p", Zone::kOceania},
    ZonePrefix{"q", Zone::kOceania},        ZonePrefix{"r", Zone::kOceania},
    ZonePrefix{"e", Zone::kAfrica},         ZonePrefix{"k", Zone::kAfrica},
    ZonePrefix{"s", Zone::kAfrica},         ZonePrefix{"ey", Zone::kMediterranean},
    ZonePrefix{"ez", Zone::kMediterranean}, ZonePrefix{"sp", Zone::kMediterranean},
    ZonePrefix{"sr", Zone::kMediterranean}, ZonePrefix{"sw", Zone::kMediterranean},
    ZonePrefix{"sx", Zone::kMediterranean}, ZonePrefix{"gc", Zone::kUk},
    ZonePrefix{"gf", Zone::kUk},            ZonePrefix{"ge", Zone::kNorth},
    ZonePrefix{"u4", Zone::kNorth},         ZonePrefix{"u5", Zone::kNorth},
    ZonePrefix{"u6", Zone::kNorth},         ZonePrefix{"u7", Zone::kNorth},
    ZonePrefix{"ud", Zone::kNorth},         ZonePrefix{"ue", Zone::kNorth},
    ZonePrefix{"uk", Zone::kNorth},         ZonePrefix{"us", Zone::kNorth},
    ZonePrefix{"u1", Zone::kNorthEurope},   ZonePrefix{"u3", Zone::kNorthEurope},
    ZonePrefix{"ud1", Zone::kNorthEurope},  ZonePrefix{"u0", Zone::kCentroEurope},
    ZonePrefix{"u2", Zone::kCentroEurope},  ZonePrefix{"u3q", Zone::kCentroEurope},
    ZonePrefix{"u8", Zone::kCentroEurope},
};

constexpr std::array kZones = {Zone::kNorthAmerica, Zone::kSouthAmerica, Zone::kOceania,
                               Zone::kMediterranean, Zone::kNorth,       Zone::kUk,
                               Zone::kNorthEurope,   Zone::kCentroEurope, Zone::kAfrica};

}  // namespace

std::span<const Zone> all_zones() { return kZones; }

std::string_view zone_name(Zone zone) {
  switch (zone) {
    case Zone::kNorthAmerica: return "NorthAmerica";
    case Zone::kSouthAmerica: return "SouthAmerica";
    case Zone::kOceania: return "Oceania";
    case Zone::kMediterranean: return "Mediterranean";
    case Zone::kNorth: return "North";
    case Zone::kUk: return "UK";
    case Zone::kNorthEurope: return "NorthEurope";
    case Zone::kCentroEurope: return "CentroEurope";
    case Zone::kAfrica: return "Africa";
  }
  return "unknown";
}

std::optional<Zone> zone_of_geohash(std::string_view geohash) {
  std::optional<Zone> best;
  size_t best_length = 0;
  for (const ZonePrefix& entry : kPrefixes) {
    if (entry.prefix.size() > best_length && geohash.starts_with(entry.prefix)) {
      best = entry.zone;
      best_length = entry.prefix.size();
    }
  }
  return best;
}

std::span<const ZonePrefix> zone_prefixes() { return kPrefixes; }

}  // namespace caudal::demo
