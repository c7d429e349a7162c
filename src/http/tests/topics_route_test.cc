#include <string>

#include <gtest/gtest.h>

#include "http/handlers/topics.h"
#include "http/tests/ingest_harness.h"

namespace caudal::http {
namespace {

using testing::IngestHarness;

class TopicsRouteTest : public ::testing::Test {
 protected:
  TopicsRouteTest() : harness_({}, {{"ENTRY", two_partitions()}}) {}

  static log::TopicSettings two_partitions() {
    log::TopicSettings settings;
    settings.partitions = 2;
    return settings;
  }

  Response post(const std::string& body) {
    return harness_.call(Verb::post, "/v1/topics/ENTRY?key=id", body,
                         {{"Content-Type", "application/x-ndjson"}});
  }
  Response get(const std::string& target) { return harness_.call(Verb::get, target); }

  IngestHarness harness_;
};

TEST_F(TopicsRouteTest, ListsTopicsWithOffsets) {
  ASSERT_EQ(post("{\"id\":1}\n{\"id\":1}\n{\"id\":1}\n").result(), StatusCode::ok);
  Response response = get("/v1/topics");
  ASSERT_EQ(response.result(), StatusCode::ok) << response.body();
  const std::string& body = response.body();
  EXPECT_NE(body.find(R"({"name":"ENTRY","partitions":[{"partition":0,"start_offset":0,)"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(R"("records":3,)"), std::string::npos) << body;
}

TEST_F(TopicsRouteTest, ReadsRecordsFromAnOffsetOrTheTail) {
  std::string lines;
  for (int i = 0; i < 10; ++i) lines += "{\"id\":7,\"n\":" + std::to_string(i) + "}\n";
  ASSERT_EQ(post(lines).result(), StatusCode::ok);
  // Key 7 goes to one partition; find it.
  Response p0 = get("/v1/topics/ENTRY/records?partition=0&offset=0&limit=3");
  Response p1 = get("/v1/topics/ENTRY/records?partition=1&offset=0&limit=3");
  ASSERT_EQ(p0.result(), StatusCode::ok) << p0.body();
  ASSERT_EQ(p1.result(), StatusCode::ok) << p1.body();
  const bool in_zero = p0.body().find("\"n\":0") != std::string::npos;
  const std::string partition = in_zero ? "0" : "1";
  const std::string& first = in_zero ? p0.body() : p1.body();
  EXPECT_NE(first.find(R"("records":[{"offset":0,"timestamp":)"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("key":"7","value":{"id":7,"n":0}})"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("value":{"id":7,"n":2}}],"next_offset":3})"), std::string::npos)
      << first;
  EXPECT_EQ(first.find("\"n\":3"), std::string::npos) << first;

  Response tail = get("/v1/topics/ENTRY/records?limit=2&partition=" + partition);
  EXPECT_NE(tail.body().find(R"("offset":8,)"), std::string::npos) << tail.body();
  EXPECT_NE(tail.body().find(R"("value":{"id":7,"n":9}}],"next_offset":10})"),
            std::string::npos)
      << tail.body();

  Response end = get("/v1/topics/ENTRY/records?offset=10&partition=" + partition);
  EXPECT_NE(end.body().find(R"("records":[],"next_offset":10})"), std::string::npos)
      << end.body();
}

TEST_F(TopicsRouteTest, RefusesBadParametersAndUnknownTopics) {
  EXPECT_EQ(get("/v1/topics/ENTRY/records?limit=0").result(), StatusCode::bad_request);
  EXPECT_EQ(get("/v1/topics/ENTRY/records?limit=1001").result(), StatusCode::bad_request);
  EXPECT_EQ(get("/v1/topics/ENTRY/records?offset=x").result(), StatusCode::bad_request);
  EXPECT_EQ(get("/v1/topics/ENTRY/records?partition=9").result(), StatusCode::not_found);
  EXPECT_EQ(get("/v1/topics/NOPE/records").result(), StatusCode::not_found);
}

}  // namespace
}  // namespace caudal::http
