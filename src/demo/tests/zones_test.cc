#include "demo/zones.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "demo/places.h"
#include "pipeline/expr/geohash.h"

namespace caudal::demo {
namespace {

TEST(ZonesTest, EveryCityLiesInTheZoneItIsListedUnder) {
  for (const Place& place : all_places()) {
    const std::string geohash = pipeline::geohash_encode(place.latitude, place.longitude, 5);
    std::optional<Zone> zone = zone_of_geohash(geohash);
    ASSERT_TRUE(zone.has_value()) << place.city << " " << geohash;
    EXPECT_EQ(zone_name(*zone), zone_name(place.zone)) << place.city << " " << geohash;
  }
}

TEST(ZonesTest, EveryZoneHasCities) {
  for (Zone zone : all_zones()) {
    int cities = 0;
    for (const Place& place : all_places()) cities += place.zone == zone;
    EXPECT_GE(cities, 4) << zone_name(zone);
  }
}

TEST(ZonesTest, LongestPrefixWins) {
  EXPECT_EQ(zone_name(*zone_of_geohash("dr5regw")), "NorthAmerica");  // New York
  EXPECT_EQ(zone_name(*zone_of_geohash("d2g6f3")), "SouthAmerica");   // Bogota, inside "d"
  EXPECT_EQ(zone_name(*zone_of_geohash("u3qcnh")), "CentroEurope");   // Warsaw, inside "u3"
  EXPECT_EQ(zone_name(*zone_of_geohash("u3butt")), "NorthEurope");    // Copenhagen
  EXPECT_EQ(zone_name(*zone_of_geohash("gcpvj0")), "UK");             // London
  EXPECT_FALSE(zone_of_geohash("wx4g0b").has_value());                // Beijing: no dashboard
  EXPECT_FALSE(zone_of_geohash("").has_value());
}

TEST(ZonesTest, PrefixesAreUniqueAndZoneNamesAreTheSeeds) {
  std::set<std::string_view> prefixes;
  for (const ZonePrefix& entry : zone_prefixes()) {
    EXPECT_TRUE(prefixes.insert(entry.prefix).second) << entry.prefix;
  }
  std::set<std::string_view> names;
  for (Zone zone : all_zones()) names.insert(zone_name(zone));
  EXPECT_EQ(names, (std::set<std::string_view>{"NorthAmerica", "SouthAmerica", "Oceania",
                                                "Mediterranean", "North", "UK", "NorthEurope",
                                                "CentroEurope", "Africa"}));
}

}  // namespace
}  // namespace caudal::demo
