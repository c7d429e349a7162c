// The Splunk HEC routes over a real log: authentication, index mapping, the documented
// payloads, and HEC-shaped answers.
#include <gtest/gtest.h>

#include "http/tests/ingest_harness.h"

namespace caudal::http {
namespace {

using testing::IngestHarness;
using testing::topic_with;

GatewaySettings hec() {
  GatewaySettings settings;
  settings.auto_create_topics = false;
  settings.hec_tokens = {{"shipper", "11111111-2222-3333-4444-555555555555", "logs"}};
  settings.hec_indexes = IndexMap(std::map<std::string, std::string>{{"security", "audit"}});
  return settings;
}

const std::pair<std::string, std::string> kAuth = {"Authorization",
                                                   "Splunk 11111111-2222-3333-4444-555555555555"};

TEST(HecTest, EventsGoToTheTokensTopicOrTheirIndexsTopic) {
  IngestHarness h(hec(), {{"logs", topic_with(1)}, {"audit", topic_with(1)}});
  Response r = h.call(
      Verb::post, "/services/collector/event",
      R"({"event":"hello","time":1426279439}{"event":{"user":"x"},"index":"security"})", {kAuth});
  EXPECT_EQ(r.result(), StatusCode::ok);
  EXPECT_EQ(r.body(), "{\"text\":\"Success\",\"code\":0}");
  ASSERT_EQ(h.records("logs").size(), 1u);
  EXPECT_EQ(h.records("logs")[0].value, R"({"event":"hello","time":1426279439})");
  ASSERT_EQ(h.records("audit").size(), 1u);
  // /services/collector is the same endpoint.
  r = h.call(Verb::post, "/services/collector", R"({"event":"again"})", {kAuth});
  EXPECT_EQ(r.result(), StatusCode::ok);
  EXPECT_EQ(h.end_offset("logs"), 2);
}

TEST(HecTest, AuthenticationFailuresUseTheDocumentedCodes) {
  IngestHarness h(hec(), {{"logs", topic_with(1)}});
  Response r = h.call(Verb::post, "/services/collector/event", R"({"event":"x"})");
  EXPECT_EQ(r.result(), StatusCode::unauthorized);
  EXPECT_NE(r.body().find("{\"text\":\"Token is required\",\"code\":2"), std::string::npos);
  r = h.call(Verb::post, "/services/collector/event", R"({"event":"x"})",
             {{"Authorization", "Bearer 11111111-2222-3333-4444-555555555555"}});
  EXPECT_EQ(r.result(), StatusCode::unauthorized);
  EXPECT_NE(r.body().find("\"code\":3"), std::string::npos);
  r = h.call(Verb::post, "/services/collector/event", R"({"event":"x"})",
             {{"Authorization", "Splunk nope"}});
  EXPECT_EQ(r.result(), StatusCode::forbidden);
  EXPECT_NE(r.body().find("{\"text\":\"Invalid token\",\"code\":4"), std::string::npos);
  r = h.call(Verb::post, "/services/collector/event?token=x", R"({"event":"x"})");
  EXPECT_NE(r.body().find("\"code\":16"), std::string::npos);
  EXPECT_EQ(h.end_offset("logs"), 0);
}

TEST(HecTest, ABadEventRefusesTheRequestAndNamesIt) {
  IngestHarness h(hec(), {{"logs", topic_with(1)}});
  Response r = h.call(Verb::post, "/services/collector/event",
                      R"({"event":"ok"}{"event":"ok"}{"event":"x","index":"elsewhere"})", {kAuth});
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_EQ(r.body(),
            "{\"text\":\"Incorrect index\",\"code\":7,\"invalid-event-number\":2,\"reason\":"
            "\"event 2: index 'elsewhere' is not one of http.hec.indexes\"}");
  r = h.call(Verb::post, "/services/collector/event", R"({"event":"ok"}{"event":tru})", {kAuth});
  EXPECT_NE(r.body().find("{\"text\":\"Invalid data format\",\"code\":6,"
                          "\"invalid-event-number\":1"),
            std::string::npos)
      << r.body();
  r = h.call(Verb::post, "/services/collector/event", "", {kAuth});
  EXPECT_NE(r.body().find("{\"text\":\"No data\",\"code\":5"), std::string::npos);
  EXPECT_EQ(h.end_offset("logs"), 0);
}

TEST(HecTest, RawLinesCarryQueryMetadataAsHeaders) {
  IngestHarness h(hec(), {{"logs", topic_with(1)}, {"audit", topic_with(1)}});
  Response r = h.call(Verb::post, "/services/collector/raw?host=web-1&sourcetype=access_combined",
                      "127.0.0.1 - GET /\n127.0.0.1 - GET /x\n", {kAuth});
  EXPECT_EQ(r.result(), StatusCode::ok) << r.body();
  auto records = h.records("logs");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].value, "127.0.0.1 - GET /x");
  EXPECT_EQ(records[0].headers.at("splunk.host"), "web-1");
  EXPECT_EQ(records[0].headers.at("splunk.sourcetype"), "access_combined");
  r = h.call(Verb::post, "/services/collector/raw?index=security", "line\n", {kAuth});
  EXPECT_EQ(h.end_offset("audit"), 1);
}

TEST(HecTest, UnknownTopicAndFullDiskHaveHecAnswers) {
  IngestHarness h(hec(), {{"audit", topic_with(1)}});  // the token's topic "logs" is missing
  Response r = h.call(Verb::post, "/services/collector/event", R"({"event":"x"})", {kAuth});
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_NE(r.body().find("\"code\":7"), std::string::npos) << r.body();
  h.fs().set_write_budget(5);
  r = h.call(Verb::post, "/services/collector/event", R"({"event":"x","index":"security"})",
             {kAuth});
  EXPECT_EQ(r.result(), StatusCode::service_unavailable);
  EXPECT_NE(r.body().find("{\"text\":\"Server is busy\",\"code\":9"), std::string::npos);
  EXPECT_EQ(r[boost::beast::http::field::retry_after], "10");
  EXPECT_EQ(h.end_offset("audit"), 0);
}

TEST(HecTest, HealthAndAck) {
  IngestHarness h(hec());
  Response r = h.call(Verb::get, "/services/collector/health");
  EXPECT_EQ(r.result(), StatusCode::ok);
  EXPECT_EQ(r.body(), "{\"text\":\"HEC is healthy\",\"code\":17}");
  r = h.call(Verb::post, "/services/collector/ack", "{\"acks\":[0]}", {kAuth});
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_NE(r.body().find("\"code\":14"), std::string::npos);
}

}  // namespace
}  // namespace caudal::http
