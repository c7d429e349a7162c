#include "http/ingest/enrichment.h"

#include <set>

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

TEST(EnrichmentTest, FormatsRfc3339WithMilliseconds) {
  using namespace std::chrono;
  const system_clock::time_point t{milliseconds(1'714'566'896'789)};
  EXPECT_EQ(format_rfc3339_millis(t), "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(format_rfc3339_millis(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

// 8-4-4-4-12 lower-case hex, version nibble 7, variant bits 10.
bool is_uuid_v7(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(text[i]) == std::string_view::npos) {
      return false;
    }
  }
  return text[14] == '7' && std::string_view("89ab").find(text[19]) != std::string_view::npos;
}

TEST(EnrichmentTest, UuidV7CarriesTheTimeAndVersion) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = make_uuid_v7(0x0123456789AB);
    const std::string text(id.data(), id.size());
    EXPECT_TRUE(is_uuid_v7(text)) << text;
    EXPECT_EQ(text.substr(0, 13), "01234567-89ab");  // the 48-bit millisecond timestamp
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(EnricherTest, AddsOnlyWhatTheTopicAsksFor) {
  using namespace std::chrono;
  Enricher enricher(system_clock::time_point{milliseconds(1'714'566'896'789)}, "10.1.2.3",
                    "node-7");
  const log::RecordHeader extra{"splunk.source", as_bytes(std::string_view("syslog"))};
  auto none = enricher.headers(EnrichSettings{}, {&extra, 1});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].key, "splunk.source");

  auto all = enricher.headers(EnrichSettings{true, true, true, true}, {});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].key, kReceivedAtHeader);
  EXPECT_EQ(as_chars(*all[0].value), "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(all[1].key, kEventIdHeader);
  const std::string first_id(as_chars(*all[1].value));
  EXPECT_EQ(all[2].key, kClientAddressHeader);
  EXPECT_EQ(as_chars(*all[2].value), "10.1.2.3");
  EXPECT_EQ(all[3].key, kHostHeader);
  EXPECT_EQ(as_chars(*all[3].value), "node-7");
  auto again = enricher.headers(EnrichSettings{false, true, false, false}, {});
  EXPECT_NE(std::string(as_chars(*again[0].value)), first_id);  // a new id per event
}

}  // namespace
}  // namespace caudal::http
