#include "http/ingest/hec_parser.h"

#include <memory>
#include <vector>

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

// Events are views into the body: the fixture keeps each body alive for the whole test.
class HecParserTest : public ::testing::Test {
 protected:
  HecParse events(std::string_view body) {
    bodies_.push_back(std::make_unique<PaddedBody>(PaddedBody::copy_of(body)));
    return parse_hec_events(*bodies_.back());
  }
  HecParse raw(std::string_view body) {
    bodies_.push_back(std::make_unique<PaddedBody>(PaddedBody::copy_of(body)));
    return parse_hec_raw(*bodies_.back());
  }
  std::vector<std::unique_ptr<PaddedBody>> bodies_;
};

TEST_F(HecParserTest, SplitsConcatenatedEvents) {
  // The documented payload shapes: several events back to back, with or without whitespace.
  HecParse parsed = events(
      R"({"time":1426279439,"event":"Hello world!"}{"event":{"message":"Access log test message"},"index":"main"}
 {"event":"x","host":"web-1","source":"app","sourcetype":"_json","fields":{"region":"eu"},"time":"1426279439.123"})");
  ASSERT_FALSE(parsed.problem.has_value()) << parsed.problem->reason;
  ASSERT_EQ(parsed.events.size(), 3u);
  EXPECT_EQ(parsed.events[0].text, R"({"time":1426279439,"event":"Hello world!"})");
  EXPECT_FALSE(parsed.events[0].index.has_value());
  EXPECT_EQ(parsed.events[1].index, "main");
  EXPECT_EQ(parsed.events[2].text.substr(0, 12), R"({"event":"x")");
}

TEST_F(HecParserTest, RefusalsCarryTheDocumentedCodeAndEventNumber) {
  struct Case {
    std::string body;
    HecCode code;
    std::optional<size_t> number;
    std::string reason;
  };
  const Case cases[] = {
      {"", HecCode::kNoData, std::nullopt, "the request body holds no events"},
      {"  \n", HecCode::kNoData, std::nullopt, "the request body holds no events"},
      {R"({"event":"a"}{"event":"b"}{"nope":1})", HecCode::kEventFieldRequired, 2,
       "event 2: the object has no \"event\" field"},
      {R"({"event":""})", HecCode::kEventFieldBlank, 0, "event 0: \"event\" is empty"},
      {R"({"event":null})", HecCode::kEventFieldBlank, 0, "event 0: \"event\" is empty"},
      {R"({"event":"a"} [1])", HecCode::kInvalidDataFormat, 1,
       "event 1: line 1, column 15: expected a JSON object"},
      {"{\"event\":\"a\"}\n{\"event\":tru}", HecCode::kInvalidDataFormat, 1,
       "event 1: line 2, column 10: expected 'true'"},
      {R"({"event":"a")", HecCode::kInvalidDataFormat, 0,
       "event 0: line 1, column 13: the object is not closed with '}'"},
      {R"({"event":"a","index":5})", HecCode::kInvalidDataFormat, 0,
       "event 0: \"index\" must be a string"},
      {R"({"event":"a","time":"yesterday"})", HecCode::kInvalidDataFormat, 0,
       "event 0: \"time\" must be epoch seconds, as a number or a numeric string"},
      {R"({"event":"a","fields":[1]})", HecCode::kIndexedFieldsError, 0,
       "event 0: \"fields\" must be an object"},
  };
  for (const Case& c : cases) {
    HecParse parsed = events(c.body);
    ASSERT_TRUE(parsed.problem.has_value()) << c.body;
    EXPECT_EQ(parsed.problem->code, c.code) << c.body;
    EXPECT_EQ(parsed.problem->event_number, c.number) << c.body;
    EXPECT_EQ(parsed.problem->reason, c.reason) << c.body;
  }
}

TEST_F(HecParserTest, RawBodiesAreOneEventPerLine) {
  HecParse parsed = raw("first line\r\n\nsecond {not json}\n");
  ASSERT_FALSE(parsed.problem.has_value());
  ASSERT_EQ(parsed.events.size(), 2u);
  EXPECT_EQ(parsed.events[0].text, "first line");
  EXPECT_EQ(parsed.events[1].text, "second {not json}");
  EXPECT_EQ(raw("\n").problem->code, HecCode::kNoData);
}

TEST(HecStatusTest, CodesHaveTheirDocumentedStatusAndText) {
  EXPECT_EQ(hec_status(HecCode::kSuccess).http, StatusCode::ok);
  EXPECT_EQ(hec_status(HecCode::kTokenRequired).http, StatusCode::unauthorized);
  EXPECT_EQ(hec_status(HecCode::kInvalidAuthorization).http, StatusCode::unauthorized);
  EXPECT_EQ(hec_status(HecCode::kInvalidToken).http, StatusCode::forbidden);
  EXPECT_EQ(hec_status(HecCode::kTokenDisabled).http, StatusCode::forbidden);
  EXPECT_EQ(hec_status(HecCode::kServerBusy).http, StatusCode::service_unavailable);
  EXPECT_EQ(hec_status(HecCode::kInternalError).http, StatusCode::internal_server_error);
  EXPECT_EQ(hec_status(HecCode::kHealthy).text, "HEC is healthy");
  EXPECT_EQ(hec_status(HecCode::kUnhealthyQueuesFull).http, StatusCode::service_unavailable);
  for (int code = 5; code <= 16; ++code) {
    if (code == 8 || code == 9) continue;
    EXPECT_EQ(hec_status(static_cast<HecCode>(code)).http, StatusCode::bad_request) << code;
  }
}

}  // namespace
}  // namespace caudal::http
