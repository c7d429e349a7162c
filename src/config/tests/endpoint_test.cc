#include "config/endpoint.h"

#include <gtest/gtest.h>

namespace caudal::config {
namespace {

TEST(EndpointTest, ParsesNamesIpv4AndBracketedIpv6) {
  const std::vector<std::tuple<std::string_view, std::string_view, uint16_t>> table = {
      {"127.0.0.1:8080", "127.0.0.1", 8080},
      {"localhost:0", "localhost", 0},
      {"kafka-1.internal:65535", "kafka-1.internal", 65535},
      {"[::1]:9092", "::1", 9092},
      {"[::]:9200", "::", 9200},
      {"[::ffff:10.0.0.1]:80", "::ffff:10.0.0.1", 80},
  };
  for (const auto& [text, host, port] : table) {
    Result<Endpoint> parsed = parse_endpoint(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
    EXPECT_EQ(parsed->host, host);
    EXPECT_EQ(parsed->port, port);
    EXPECT_EQ(parsed->to_string(), text);
  }
}

TEST(EndpointTest, RefusesWithWhatWasExpected) {
  const std::string_view shape = "expected host:port such as 127.0.0.1:8080 or [::1]:8080";
  const std::string_view port = "expected a port from 0 to 65535 after the host";
  const std::vector<std::pair<std::string_view, std::string_view>> table = {
      {"localhost", shape},
      {":8080", shape},
      {"my host:80", shape},
      {"[::1]9092", shape},
      {"[]:9092", shape},
      {"[fe80::zz]:1", shape},
      {"::1:9092", "expected an IPv6 address in brackets, such as [::1]:8080"},
      {"localhost:", port},
      {"localhost:65536", port},
      {"localhost:123456", port},
      {"localhost:-1", port},
      {"localhost:http", port},
  };
  for (const auto& [text, message] : table) {
    Result<Endpoint> parsed = parse_endpoint(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message(), message) << text;
  }
}

}  // namespace
}  // namespace caudal::config
