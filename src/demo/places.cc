#include "demo/places.h"

#include <array>

namespace caudal::demo {
namespace {

using enum Zone;

constexpr std::string_view kUsZip = "#####";
constexpr std::string_view kUsPhone = "###-###-####";
constexpr std::string_view kUsId = "###-##-####";
constexpr std::string_view kCaZip = "A#A #A#";
constexpr std::string_view kCaId = "### ### ###";
constexpr std::string_view kEuPhone = "### ### ###";
constexpr std::string_view kGenericId = "##########";

constexpr std::array kPlaces = {
    Place{"New York", "US", "1", kUsZip, kUsPhone, kUsId, 40.71, -74.00, kNorthAmerica},
    Place{"Chicago", "US", "1", kUsZip, kUsPhone, kUsId, 41.88, -87.63, kNorthAmerica},
    Place{"Los Angeles", "US", "1", kUsZip, kUsPhone, kUsId, 34.05, -118.24, kNorthAmerica},
    Place{"Houston", "US", "1", kUsZip, kUsPhone, kUsId, 29.76, -95.37, kNorthAmerica},
    Place{"Seattle", "US", "1", kUsZip, kUsPhone, kUsId, 47.61, -122.33, kNorthAmerica},
    Place{"Denver", "US", "1", kUsZip, kUsPhone, kUsId, 39.74, -104.99, kNorthAmerica},
    Place{"Miami", "US", "1", kUsZip, kUsPhone, kUsId, 25.76, -80.19, kNorthAmerica},
    Place{"Toronto", "CA", "1", kCaZip, kUsPhone, kCaId, 43.65, -79.38, kNorthAmerica},
    Place{"Montreal", "CA", "1", kCaZip, kUsPhone, kCaId, 45.50, -73.57, kNorthAmerica},
    Place{"Mexico City", "MX", "52", kUsZip, "## #### ####", "AAAA######AAAAAA##", 19.43,
          -99.13, kNorthAmerica},
    Place{"Sao Paulo", "BR", "55", "#####-###", "## #####-####", "###.###.###-##", -23.55,
          -46.63, kSouthAmerica},
    Place{"Rio de Janeiro", "BR", "55", "#####-###", "## #####-####", "###.###.###-##", -22.91,
          -43.17, kSouthAmerica},
    Place{"Buenos Aires", "AR", "54", "A####AAA", "## ####-####", "##.###.###", -34.60, -58.38,
          kSouthAmerica},
    Place{"Lima", "PE", "51", "#####", "### ### ###", "########", -12.05, -77.04, kSouthAmerica},
    Place{"Bogota", "CO", "57", "######", "### ### ####", "##########", 4.71, -74.07,
          kSouthAmerica},
    Place{"Santiago", "CL", "56", "#######", "# #### ####", "##.###.###-#", -33.45, -70.67,
          kSouthAmerica},
    Place{"Sydney", "AU", "61", "####", "(##) #### ####", "### ### ###", -33.87, 151.21,
          kOceania},
    Place{"Melbourne", "AU", "61", "####", "(##) #### ####", "### ### ###", -37.81, 144.96,
          kOceania},
    Place{"Brisbane", "AU", "61", "####", "(##) #### ####", "### ### ###", -27.47, 153.03,
          kOceania},
    Place{"Perth", "AU", "61", "####", "(##) #### ####", "### ### ###", -31.95, 115.86, kOceania},
    Place{"Auckland", "NZ", "64", "####", "(###) ###-####", "###-###-###", -36.85, 174.76,
          kOceania},
    Place{"Madrid", "ES", "34", "#####", kEuPhone, "########A", 40.42, -3.70, kMediterranean},
    Place{"Valencia", "ES", "34", "#####", kEuPhone, "########A", 39.47, -0.38, kMediterranean},
    Place{"Seville", "ES", "34", "#####", kEuPhone, "########A", 37.39, -5.98, kMediterranean},
    Place{"Barcelona", "ES", "34", "#####", kEuPhone, "########A", 41.39, 2.17, kMediterranean},
    Place{"Lisbon", "PT", "351", "####-###", kEuPhone, "#########", 38.72, -9.14, kMediterranean},
    Place{"Rome", "IT", "39", "#####", "### #######", "AAAAAA##A##A###A", 41.90, 12.50,
          kMediterranean},
    Place{"Naples", "IT", "39", "#####", "### #######", "AAAAAA##A##A###A", 40.85, 14.27,
          kMediterranean},
    Place{"Marseille", "FR", "33", "#####", "## ## ## ## ##", "# ## ## ## ### ###", 43.30, 5.37,
          kMediterranean},
    Place{"Athens", "GR", "30", "### ##", "### ### ####", kGenericId, 37.98, 23.73,
          kMediterranean},
    Place{"Oslo", "NO", "47", "####", "### ## ###", "###### #####", 59.91, 10.75, kNorth},
    Place{"Bergen", "NO", "47", "####", "### ## ###", "###### #####", 60.39, 5.32, kNorth},
    Place{"Stockholm", "SE", "46", "### ##", "##-### ## ##", "######-####", 59.33, 18.07, kNorth},
    Place{"Helsinki", "FI", "358", "#####", "## ### ####", "######-###A", 60.17, 24.94, kNorth},
    Place{"Reykjavik", "IS", "354", "###", "###-####", "######-####", 64.15, -21.94, kNorth},
    Place{"London", "GB", "44", "AA# #AA", "### #### ####", "AA ## ## ## A", 51.51, -0.13, kUk},
    Place{"Manchester", "GB", "44", "A## #AA", "### #### ####", "AA ## ## ## A", 53.48, -2.24,
          kUk},
    Place{"Birmingham", "GB", "44", "A## #AA", "### #### ####", "AA ## ## ## A", 52.49, -1.89,
          kUk},
    Place{"Glasgow", "GB", "44", "A# #AA", "### #### ####", "AA ## ## ## A", 55.86, -4.25, kUk},
    Place{"Bristol", "GB", "44", "AA# #AA", "### #### ####", "AA ## ## ## A", 51.45, -2.59, kUk},
    Place{"Amsterdam", "NL", "31", "#### AA", "## ### ####", "#########", 52.37, 4.90,
          kNorthEurope},
    Place{"Brussels", "BE", "32", "####", "### ## ## ##", "##.##.##-###.##", 50.85, 4.35,
          kNorthEurope},
    Place{"Hamburg", "DE", "49", "#####", "#### #######", kGenericId, 53.55, 9.99, kNorthEurope},
    Place{"Berlin", "DE", "49", "#####", "### ########", kGenericId, 52.52, 13.40, kNorthEurope},
    Place{"Copenhagen", "DK", "45", "####", "## ## ## ##", "######-####", 55.68, 12.57,
          kNorthEurope},
    Place{"Gdansk", "PL", "48", "##-###", "### ### ###", "###########", 54.35, 18.65,
          kNorthEurope},
    Place{"Paris", "FR", "33", "#####", "## ## ## ## ##", "# ## ## ## ### ###", 48.86, 2.35,
          kCentroEurope},
    Place{"Lyon", "FR", "33", "#####", "## ## ## ## ##", "# ## ## ## ### ###", 45.76, 4.84,
          kCentroEurope},
    Place{"Frankfurt", "DE", "49", "#####", "### ########", kGenericId, 50.11, 8.68,
          kCentroEurope},
    Place{"Munich", "DE", "49", "#####", "### ########", kGenericId, 48.14, 11.58, kCentroEurope},
    Place{"Zurich", "CH", "41", "####", "## ### ## ##", "###.####.####.##", 47.38, 8.54,
          kCentroEurope},
    Place{"Vienna", "AT", "43", "####", "### #######", kGenericId, 48.21, 16.37, kCentroEurope},
    Place{"Prague", "CZ", "420", "### ##", "### ### ###", "######/####", 50.08, 14.44,
          kCentroEurope},
    Place{"Warsaw", "PL", "48", "##-###", "### ### ###", "###########", 52.23, 21.01,
          kCentroEurope},
    Place{"Cairo", "EG", "20", "#####", "## #### ####", "##############", 30.04, 31.24, kAfrica},
    Place{"Lagos", "NG", "234", "######", "### ### ####", "###########", 6.52, 3.38, kAfrica},
    Place{"Nairobi", "KE", "254", "#####", "### ######", "########", -1.29, 36.82, kAfrica},
    Place{"Johannesburg", "ZA", "27", "####", "## ### ####", "#############", -26.20, 28.05,
          kAfrica},
    Place{"Cape Town", "ZA", "27", "####", "## ### ####", "#############", -33.92, 18.42, kAfrica},
    Place{"Casablanca", "MA", "212", "#####", "###-######", "AA######", 33.57, -7.59, kAfrica},
    Place{"Accra", "GH", "233", "AA-####-####", "## ### ####", "AAA-#########-#", 5.60, -0.19,
          kAfrica},
    Place{"Dakar", "SN", "221", "#####", "## ### ## ##", "#############", 14.72, -17.47, kAfrica},
};

}  // namespace

std::span<const Place> all_places() { return kPlaces; }

}  // namespace caudal::demo
