#include "http/ingest/json_events.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "http/errc.h"

namespace caudal::http {
namespace {

struct Seen {
  std::string text;
  size_t line;
};

Result<std::vector<Seen>> events_of(std::string_view body, EventFormat format) {
  std::vector<Seen> seen;
  Status status = for_each_event(PaddedBody::copy_of(body), format, [&](const JsonEvent& event) {
    seen.push_back({std::string(event.text), event.line});
    return Status();
  });
  if (!status.ok()) return status;
  return seen;
}

TEST(EventFormatTest, ReadsTheMediaType) {
  EXPECT_EQ(*event_format("application/json"), EventFormat::kJson);
  EXPECT_EQ(*event_format("application/x-ndjson"), EventFormat::kNdjson);
  EXPECT_EQ(*event_format("application/ndjson"), EventFormat::kNdjson);
  Result<EventFormat> form = event_format("application/x-www-form-urlencoded");
  ASSERT_FALSE(form.ok());
  EXPECT_EQ(form.status().code(), Errc::kUnsupportedMediaType);
  EXPECT_NE(form.status().message().find("application/x-www-form-urlencoded"), std::string::npos);
  EXPECT_NE(event_format("").status().message().find("(none)"), std::string::npos);
}

TEST(JsonEventsTest, AnObjectIsOneEvent) {
  auto events = events_of("\n  {\"a\": 1}\n", EventFormat::kJson);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].text, "{\"a\": 1}");
  EXPECT_EQ((*events)[0].line, 2u);
}

TEST(JsonEventsTest, AnArrayIsOneEventPerElementWithItsLine) {
  auto events = events_of("[{\"a\":1},\n {\"b\":[2]},\n\n 3]", EventFormat::kJson);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[1].text, "{\"b\":[2]}");
  EXPECT_EQ((*events)[1].line, 2u);
  EXPECT_EQ((*events)[2].text, "3");
  EXPECT_EQ((*events)[2].line, 4u);
}

TEST(JsonEventsTest, JsonErrorsGiveLineAndColumn) {
  auto events = events_of("[{\"a\":1},\n {\"b\" 2}]", EventFormat::kJson);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), Errc::kInvalidJson);
  EXPECT_EQ(events.status().message(), "line 2, column 7: expected ':' after an object key");
}

TEST(JsonEventsTest, ScalarsAndEmptyArraysAreRefused) {
  EXPECT_EQ(events_of("\"hello\"", EventFormat::kJson).status().code(), Errc::kInvalidRequest);
  EXPECT_EQ(events_of("[]", EventFormat::kJson).status().code(), Errc::kEmptyBody);
  EXPECT_EQ(events_of("", EventFormat::kJson).status().code(), Errc::kEmptyBody);
  EXPECT_EQ(events_of("  \n", EventFormat::kJson).status().code(), Errc::kEmptyBody);
}

TEST(NdjsonEventsTest, OneEventPerNonBlankLine) {
  auto events = events_of("{\"a\":1}\n\n  {\"b\":2}  \r\n[3]\n", EventFormat::kNdjson);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[1].text, "{\"b\":2}");
  EXPECT_EQ((*events)[1].line, 3u);
  EXPECT_EQ((*events)[2].line, 4u);
  EXPECT_EQ(events_of("\n\n", EventFormat::kNdjson).status().code(), Errc::kEmptyBody);
}

TEST(NdjsonEventsTest, MalformedLineNOfTenThousandIsNamed) {
  std::string body;
  for (int i = 1; i <= 10'000; ++i) {
    body += i == 7'321 ? fmt::format("{{\"seq\":{},\"temp\":}}\n", i)
                       : fmt::format("{{\"seq\":{},\"temp\":21.5}}\n", i);
  }
  auto events = events_of(body, EventFormat::kNdjson);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().message(),
            "line 7321, column 20: expected a JSON value (object, array, string, number, true, "
            "false or null)");
}

TEST(NdjsonEventsTest, InvalidUtf8IsNamedWithItsPlace) {
  auto events = events_of("{\"a\":1}\n{\"b\":\"\xc3\x28\"}\n", EventFormat::kNdjson);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), Errc::kInvalidUtf8);
  EXPECT_EQ(events.status().message(), "line 2, column 7: invalid UTF-8 (byte 0xc3)");
}

TEST(NdjsonEventsTest, TwoValuesOnOneLineAreAnError) {
  auto events = events_of("{\"a\":1} {\"b\":2}\n", EventFormat::kNdjson);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().message(), "line 1, column 9: unexpected text after the JSON value");
}

TEST(NdjsonEventsTest, ErrorsFromTheCallbackNameTheLine) {
  Status status = for_each_event(
      PaddedBody::copy_of("{}\n{}\n"), EventFormat::kNdjson, [](const JsonEvent& event) {
        return event.line == 2 ? Status(Errc::kEventTooLarge, "too big") : Status();
      });
  EXPECT_EQ(status.code(), Errc::kEventTooLarge);
  EXPECT_EQ(status.message(), "line 2: too big");
}

}  // namespace
}  // namespace caudal::http
