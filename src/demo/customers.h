// Synthetic customers of the alarm company (seed 004's `datosclientes` table): one per sensor,
// the sensor's id is the customer's id. Deterministic: a seed and an id give the same customer
// on every machine, independently of the other customers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "demo/zones.h"

namespace caudal::demo {

inline constexpr uint64_t kDefaultCustomerCount = 50000;
inline constexpr int kSensorGeohashPrecision = 7;  // about 150 m: a block, not a house

struct Customer {
  uint64_t id = 0;
  std::string name;
  std::string surname;
  std::string gender;  // "female" or "male"
  std::string national_id;
  std::string birthday;  // M/D/YYYY, as the seed's customer files write it
  std::string street_address;
  std::string city;
  std::string zip_code;
  std::string country;
  std::string phone_country_code;
  std::string phone_number;
  double latitude = 0;
  double longitude = 0;
  std::string email;
  std::string title;
  std::string occupation;
  std::string company;
  std::string username;
  std::string geohash;  // of the sensor, kSensorGeohashPrecision characters
  Zone zone = Zone::kNorthAmerica;  // the dashboard that shows the sensor
};

// Customer `id` (1-based) of `seed`.
Customer generate_customer(uint64_t seed, uint64_t id);

// The CSV header line, without line end: the seed's column names, then geohash and dashboard.
std::string_view customer_csv_header();

// One CSV record (RFC 4180, quoted where needed), without line end.
std::string customer_csv_record(const Customer& customer);

// Customers 1..count of `seed` as a CSV file: the header, then one record per line.
std::string customers_csv(uint64_t seed, uint64_t count);

// Writes customers_csv() to `path` atomically (common/file_system.h), so a lookup table
// never reads half a file. kIo naming the path.
Status write_customers_csv(const std::filesystem::path& path, uint64_t seed, uint64_t count);

}  // namespace caudal::demo
