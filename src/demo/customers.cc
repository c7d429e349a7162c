#include "demo/customers.h"

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "common/file_system.h"
#include "demo/places.h"
#include "demo/random.h"
#include "pipeline/expr/geohash.h"

namespace caudal::demo {
namespace {

constexpr std::array<std::string_view, 32> kFemaleNames = {
    "Alba",  "Amelia", "Ana",    "Aroha",  "Astrid", "Beatriz", "Camille", "Chiara",
    "Chloe", "Emma",   "Eva",    "Fatima", "Freya",  "Grace",   "Hannah",  "Ingrid",
    "Isla",  "Julia",  "Laura",  "Lucia",  "Maria",  "Maya",    "Nadia",   "Noa",
    "Olivia", "Priya", "Sara",   "Sofia",  "Valentina", "Wanjiru", "Yasmin", "Zoe"};
constexpr std::array<std::string_view, 32> kMaleNames = {
    "Adam",   "Ahmed",  "Alejandro", "Arjun",  "Bruno",  "Carlos", "Daniel", "David",
    "Diego",  "Elias",  "Erik",      "Felix",  "Hugo",   "Ibrahim", "Jack",  "James",
    "Javier", "Kwame",  "Leon",      "Liam",   "Lucas",  "Luis",   "Marco",  "Mateo",
    "Mohamed", "Noah",  "Oliver",    "Pablo",  "Samuel", "Thomas", "Tiago",  "Wei"};
constexpr std::array<std::string_view, 48> kSurnames = {
    "Adeyemi",  "Alvarez",  "Andersen", "Bakker",   "Baker",    "Bianchi",  "Brown",
    "Costa",    "Dubois",   "Eriksson", "Fernandez", "Ferreira", "Fischer", "Garcia",
    "Gonzalez", "Hansen",   "Hernandez", "Jensen",  "Johansson", "Kamau",   "Kowalski",
    "Lambert",  "Lopez",    "Martin",   "Martinez", "Meyer",    "Moreau",   "Mueller",
    "Murphy",   "Nielsen",  "Novak",    "Okafor",   "Olsen",    "Perez",    "Rossi",
    "Ruiz",     "Santos",   "Schmidt",  "Silva",    "Smith",    "Taylor",   "Torres",
    "Van Dijk", "Virtanen", "Wagner",   "Walker",   "Williams", "Wilson"};
constexpr std::array<std::string_view, 24> kStreets = {
    "Acacia Avenue",  "Bridge Street",  "Calle Mayor",    "Cedar Lane",
    "Church Road",    "Elm Street",     "Harbour View",   "High Street",
    "Hill Road",      "King Street",    "Lake Drive",     "Maple Avenue",
    "Market Square",  "Mill Lane",      "Oak Street",     "Park Avenue",
    "Pine Street",    "Queen Street",   "River Road",     "Rua das Flores",
    "Station Road",   "Sunset Boulevard", "Via Roma",     "Willow Way"};
constexpr std::array<std::string_view, 24> kOccupations = {
    "Accountant",     "Architect",       "Baker",          "Carpenter",
    "Chemist",        "Civil engineer",  "Dentist",        "Electrician",
    "Firefighter",    "Graphic designer", "Journalist",    "Lawyer",
    "Librarian",      "Mechanic",        "Nurse",          "Pharmacist",
    "Photographer",   "Physician",       "Pilot",          "Plumber",
    "Software developer", "Teacher",     "Translator",     "Veterinarian"};
constexpr std::array<std::string_view, 20> kCompanies = {
    "Acme Logistics",   "Atlas Foods",      "Blue Harbor Bank", "Cobalt Systems",
    "Evergreen Health", "Fjord Energy",     "Granite Works",    "Helix Pharma",
    "Horizon Travel",   "Ironwood Builders", "Lumen Media",     "Meridian Insurance",
    "Northwind Trading", "Orchid Retail",   "Pioneer Motors",   "Quartz Analytics",
    "Redwood Legal",    "Summit Telecom",   "Tidal Shipping",   "Vertex Software"};
constexpr std::array<std::string_view, 4> kEmailDomains = {"example.com", "example.org",
                                                           "example.net", "mail.example"};
constexpr std::array<int, 12> kDaysInMonth = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// Fills a pattern: '#' a digit, 'A' an upper-case letter, other characters as written.
std::string fill(std::string_view pattern, Random& random) {
  std::string out;
  out.reserve(pattern.size());
  for (char c : pattern) {
    if (c == '#') {
      out.push_back(static_cast<char>('0' + random.below(10)));
    } else if (c == 'A') {
      out.push_back(static_cast<char>('A' + random.below(26)));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string lower_ascii(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// Scatters a point up to about 15 km around a city, retrying (deterministically) until its
// geohash falls in a zone: a point off a city on a cell border could land in a cell no zone
// names, and every sensor must be on some dashboard.
void place_customer(Customer& customer, const Place& place, Random& random) {
  for (;;) {
    // Rounded to the six decimals the CSV file holds, so its geohash is the file's position's.
    customer.latitude = std::round((place.latitude + (random.unit() - 0.5) * 0.28) * 1e6) / 1e6;
    customer.longitude =
        std::round((place.longitude + (random.unit() - 0.5) * 0.28) * 1e6) / 1e6;
    customer.geohash =
        pipeline::geohash_encode(customer.latitude, customer.longitude, kSensorGeohashPrecision);
    if (std::optional<Zone> zone = zone_of_geohash(customer.geohash)) {
      customer.zone = *zone;
      return;
    }
  }
}

// RFC 4180: quote a field holding a comma, a quote or a line break, doubling quotes.
void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

Customer generate_customer(uint64_t seed, uint64_t id) {
  Random random = Random::stream(seed, id);
  const std::span<const Place> places = all_places();
  const Place& place = places[random.below(places.size())];
  Customer c;
  c.id = id;
  const bool female = random.chance(0.5);
  c.gender = female ? "female" : "male";
  c.name = female ? random.pick<std::string_view>(kFemaleNames)
                  : random.pick<std::string_view>(kMaleNames);
  c.surname = random.pick<std::string_view>(kSurnames);
  c.title = female ? (random.chance(0.5) ? "Ms." : "Mrs.") : "Mr.";
  if (random.chance(0.05)) c.title = "Dr.";
  c.national_id = fill(place.national_id_pattern, random);
  const int year = static_cast<int>(random.between(1940, 2002));
  const int month = static_cast<int>(random.between(1, 12));
  const int day = static_cast<int>(random.between(1, kDaysInMonth[month - 1]));
  c.birthday = fmt::format("{}/{}/{}", month, day, year);
  c.street_address = fmt::format("{} {}", random.between(1, 2400),
                                 random.pick<std::string_view>(kStreets));
  c.city = place.city;
  c.zip_code = fill(place.zip_pattern, random);
  c.country = place.country;
  c.phone_country_code = place.phone_code;
  c.phone_number = fill(place.phone_pattern, random);
  place_customer(c, place, random);
  const std::string user = lower_ascii(c.name) + lower_ascii(c.surname);
  c.email = fmt::format("{}.{}{}@{}", lower_ascii(c.name), lower_ascii(c.surname),
                        random.below(100), random.pick<std::string_view>(kEmailDomains));
  c.occupation = random.pick<std::string_view>(kOccupations);
  c.company = random.pick<std::string_view>(kCompanies);
  c.username = fmt::format("{}{}", user.substr(0, 10), random.between(10, 9999));
  return c;
}

std::string_view customer_csv_header() {
  return "id,name,surname,gender,nationalid,birthday,streetaddress,city,zipcode,country,"
         "telephonecountrycode,telephonenumber,latitude,longitude,emailaddress,title,occupation,"
         "company,username,geohash,dashboard";
}

std::string customer_csv_record(const Customer& c) {
  std::string out = std::to_string(c.id);
  for (std::string_view field :
       {std::string_view(c.name), std::string_view(c.surname), std::string_view(c.gender),
        std::string_view(c.national_id), std::string_view(c.birthday),
        std::string_view(c.street_address), std::string_view(c.city),
        std::string_view(c.zip_code), std::string_view(c.country),
        std::string_view(c.phone_country_code), std::string_view(c.phone_number)}) {
    out.push_back(',');
    append_csv_field(out, field);
  }
  fmt::format_to(std::back_inserter(out), ",{:.6f},{:.6f}", c.latitude, c.longitude);
  for (std::string_view field :
       {std::string_view(c.email), std::string_view(c.title), std::string_view(c.occupation),
        std::string_view(c.company), std::string_view(c.username), std::string_view(c.geohash),
        zone_name(c.zone)}) {
    out.push_back(',');
    append_csv_field(out, field);
  }
  return out;
}

std::string customers_csv(uint64_t seed, uint64_t count) {
  std::string out;
  out.reserve(count * 256);
  out.append(customer_csv_header()).push_back('\n');
  for (uint64_t id = 1; id <= count; ++id) {
    out.append(customer_csv_record(generate_customer(seed, id))).push_back('\n');
  }
  return out;
}

Status write_customers_csv(const std::filesystem::path& path, uint64_t seed, uint64_t count) {
  return write_file_atomically(PosixFileSystem::instance(), path,
                               as_bytes(customers_csv(seed, count)));
}

}  // namespace caudal::demo
