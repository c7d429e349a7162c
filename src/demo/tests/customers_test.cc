#include "demo/customers.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "pipeline/expr/geohash.h"

namespace caudal::demo {
namespace {

// Splits one CSV record (as customer_csv_record writes it) into fields.
std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

TEST(CustomersTest, SameSeedAndIdGiveTheSameCustomer) {
  EXPECT_EQ(customer_csv_record(generate_customer(42, 7)),
            customer_csv_record(generate_customer(42, 7)));
  EXPECT_NE(customer_csv_record(generate_customer(42, 7)),
            customer_csv_record(generate_customer(43, 7)));
  EXPECT_NE(customer_csv_record(generate_customer(42, 7)),
            customer_csv_record(generate_customer(42, 8)));
}

// Pinned output: a change of generator, table or format shows here (and changes every demo's
// ground truth), never silently.
TEST(CustomersTest, OutputIsPinned) {
  EXPECT_EQ(customer_csv_record(generate_customer(1, 1)),
            "1,Wanjiru,Andersen,female,TH 43 66 25 P,7/19/1951,1704 Calle Mayor,London,XM3 4QS,"
            "GB,44,713 6997 4944,51.516624,-0.269474,wanjiru.andersen50@example.com,Ms.,"
            "Translator,Northwind Trading,wanjiruand84,gcpv1f7,UK");
}

TEST(CustomersTest, FiftyThousandCustomersAllOnADashboardWithTheSeedsFields) {
  const std::string csv = customers_csv(2026, kDefaultCustomerCount);
  std::istringstream lines(csv);
  std::string line;
  ASSERT_TRUE(std::getline(lines, line));
  const std::vector<std::string> header = split_csv(line);
  ASSERT_EQ(header.size(), 21u);
  EXPECT_EQ(header.front(), "id");
  EXPECT_EQ(header.back(), "dashboard");
  std::map<std::string, int> per_zone;
  uint64_t expected_id = 1;
  while (std::getline(lines, line)) {
    const std::vector<std::string> fields = split_csv(line);
    ASSERT_EQ(fields.size(), header.size()) << line;
    EXPECT_EQ(fields[0], std::to_string(expected_id));
    const double latitude = std::stod(fields[12]);
    const double longitude = std::stod(fields[13]);
    // The geohash is the sensor's position, and the dashboard follows from its prefix.
    EXPECT_EQ(fields[19], pipeline::geohash_encode(latitude, longitude, kSensorGeohashPrecision));
    std::optional<Zone> zone = zone_of_geohash(fields[19]);
    ASSERT_TRUE(zone.has_value()) << line;
    EXPECT_EQ(fields[20], zone_name(*zone));
    EXPECT_NE(fields[14].find('@'), std::string::npos);
    ++per_zone[fields[20]];
    ++expected_id;
  }
  EXPECT_EQ(expected_id - 1, kDefaultCustomerCount);
  ASSERT_EQ(per_zone.size(), 9u);
  for (const auto& [zone, count] : per_zone) EXPECT_GT(count, 2000) << zone;
}

TEST(CustomersTest, FieldsWithCommasOrQuotesAreQuoted) {
  Customer c = generate_customer(5, 5);
  c.company = "Smith, \"Jones\" & Co";
  const std::vector<std::string> fields = split_csv(customer_csv_record(c));
  ASSERT_EQ(fields.size(), 21u);
  EXPECT_EQ(fields[17], "Smith, \"Jones\" & Co");
}

TEST(CustomersTest, WritesTheFileAtomically) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("customers_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(write_customers_csv(dir / "customers.csv", 9, 10).ok());
  std::ifstream in(dir / "customers.csv");
  std::stringstream stream;
  stream << in.rdbuf();
  const std::string content = stream.str();
  EXPECT_EQ(content, customers_csv(9, 10));
  EXPECT_EQ(std::count(content.begin(), content.end(), '\n'), 11);
  EXPECT_FALSE(write_customers_csv(dir / "missing" / "customers.csv", 9, 10).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace caudal::demo
