// The Elasticsearch-compatible routes over a real log: item statuses, index-to-topic
// mapping, and the response shapes clients read.
#include <gtest/gtest.h>

#include "http/tests/ingest_harness.h"

namespace caudal::http {
namespace {

using testing::IngestHarness;
using testing::kNdjson;
using testing::topic_with;

GatewaySettings mapped() {
  GatewaySettings settings;
  settings.auto_create_topics = false;
  settings.bulk_indexes = IndexMap(std::map<std::string, std::string>{{"logstash-*", "logs"}});
  return settings;
}

TEST(ElasticsearchTest, InfoCarriesTheProductHeader) {
  IngestHarness h;
  Response r = h.call(Verb::get, "/");
  EXPECT_EQ(r.result(), StatusCode::ok);
  EXPECT_EQ(r["X-Elastic-Product"], "Elasticsearch");
  EXPECT_NE(r.body().find("\"number\":\"8.11.0\""), std::string::npos);
  r = h.call(Verb::head, "/");
  EXPECT_EQ(r.result(), StatusCode::ok);
  EXPECT_TRUE(r.body().empty());
}

TEST(ElasticsearchTest, InfoTellsOpenSearchClientsTheyTalkToOpenSearch) {
  IngestHarness h;
  Response r = h.call(Verb::get, "/", {},
                      {{"User-Agent", "opensearch-js/3.9.0 (linux 6.1-x64; Node.js v18)"}});
  EXPECT_EQ(r.result(), StatusCode::ok);
  EXPECT_NE(r.body().find("\"distribution\":\"opensearch\",\"number\":\"2.11.0\""),
            std::string::npos)
      << r.body();
  r = h.call(Verb::get, "/", {}, {{"User-Agent", "elasticsearch-js/8.19.0 (linux)"}});
  EXPECT_EQ(r.body().find("opensearch"), std::string::npos) << r.body();
}

TEST(ElasticsearchTest, BulkAppendsMappedDocumentsAndReportsEachItem) {
  IngestHarness h(mapped(), {{"logs", topic_with(1)}, {"web", topic_with(2)}});
  const std::string body =
      "{\"index\":{\"_index\":\"logstash-2024.05.01\"}}\n{\"m\":1}\n"
      "{\"create\":{\"_index\":\"web\",\"_id\":\"abc\"}}\n{\"m\":2}\n"
      "{\"index\":{\"_index\":\"missing\"}}\n{\"m\":3}\n"
      "{\"index\":{\"_index\":\"logstash-x\"}}\n{\"m\":oops}\n";
  Response r = h.call(Verb::post, "/_bulk", body, kNdjson);
  ASSERT_EQ(r.result(), StatusCode::ok) << r.body();
  EXPECT_EQ(r["X-Elastic-Product"], "Elasticsearch");
  const std::string& json = r.body();
  EXPECT_NE(json.find("\"errors\":true"), std::string::npos) << json;
  EXPECT_NE(
      json.find("{\"index\":{\"_index\":\"logstash-2024.05.01\",\"_id\":\"0-0\",\"_version\":1,"
                "\"result\":\"created\",\"_shards\":{\"total\":1,\"successful\":1,"
                "\"failed\":0},\"_seq_no\":0,\"_primary_term\":1,\"status\":201}}"),
      std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"create\":{\"_index\":\"web\",\"_id\":\"abc\""), std::string::npos);
  EXPECT_NE(json.find("\"status\":404,\"error\":{\"type\":\"index_not_found_exception\","
                      "\"reason\":\"no such index [missing]"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"status\":400,\"error\":{\"type\":\"x_content_parse_exception\""),
            std::string::npos)
      << json;
  ASSERT_EQ(h.records("logs").size(), 1u);
  EXPECT_EQ(h.records("logs")[0].value, "{\"m\":1}");
  // The _id is the key, so the document lands where a keyed Kafka produce would.
  size_t web = h.records("web", 0).size() + h.records("web", 1).size();
  EXPECT_EQ(web, 1u);
  EXPECT_FALSE(h.log().describe_topic("missing").ok());
}

TEST(ElasticsearchTest, UrlIndexAppliesToActionsWithoutOne) {
  IngestHarness h(mapped(), {{"logs", topic_with(1)}});
  Response r = h.call(Verb::post, "/logstash-a/_bulk", "{\"index\":{}}\n{\"x\":1}\n", kNdjson);
  EXPECT_NE(r.body().find("\"errors\":false"), std::string::npos) << r.body();
  EXPECT_EQ(h.end_offset("logs"), 1);
}

TEST(ElasticsearchTest, MalformedActionRefusesTheWholeRequest) {
  IngestHarness h(mapped(), {{"logs", topic_with(1)}});
  Response r =
      h.call(Verb::post, "/_bulk",
             "{\"index\":{\"_index\":\"logstash-a\"}}\n{\"x\":1}\n{\"index\" }\n{}\n", kNdjson);
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_EQ(r["X-Elastic-Product"], "Elasticsearch");
  EXPECT_NE(r.body().find("{\"error\":{\"root_cause\":[{\"type\":\"x_content_parse_exception\","
                          "\"reason\":\"line 3, column 10:"),
            std::string::npos)
      << r.body();
  EXPECT_NE(r.body().find("\"status\":400}"), std::string::npos);
  EXPECT_EQ(h.end_offset("logs"), 0);
}

TEST(ElasticsearchTest, WrongContentTypeIs415) {
  IngestHarness h;
  Response r = h.call(Verb::post, "/_bulk", "{}", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.result(), StatusCode::unsupported_media_type);
  EXPECT_NE(r.body().find("media_type_header_exception"), std::string::npos);
}

TEST(ElasticsearchTest, ClientMediaTypesAreAccepted) {
  IngestHarness h({}, {{"logs", topic_with(1)}});
  Response r =
      h.call(Verb::post, "/logs/_bulk", "{\"index\":{}}\n{\"x\":1}\n",
             {{"Content-Type", "application/vnd.elasticsearch+x-ndjson; compatible-with=8"}});
  EXPECT_EQ(r.result(), StatusCode::ok) << r.body();
  EXPECT_NE(r.body().find("\"errors\":false"), std::string::npos) << r.body();
}

TEST(ElasticsearchTest, DiskFullRefusesTheBulkWithRetryAfter) {
  IngestHarness h({}, {{"logs", topic_with(1)}});
  h.fs().set_write_budget(10);
  Response r = h.call(Verb::post, "/logs/_bulk", "{\"index\":{}}\n{\"x\":1}\n", kNdjson);
  EXPECT_EQ(r.result(), StatusCode::service_unavailable) << r.body();
  EXPECT_EQ(r[boost::beast::http::field::retry_after], "10");
  EXPECT_EQ(h.end_offset("logs"), 0);
}

TEST(ElasticsearchTest, IndexingOneDocument) {
  IngestHarness h({}, {{"logs", topic_with(1)}});
  Response r =
      h.call(Verb::put, "/logs/_doc/doc-1", "{\"x\":1}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.result(), StatusCode::created) << r.body();
  EXPECT_NE(r.body().find("\"_id\":\"doc-1\""), std::string::npos);
  EXPECT_EQ(h.records("logs")[0].key, "doc-1");
  r = h.call(Verb::post, "/logs/_doc", "[1]", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_EQ(h.end_offset("logs"), 1);
}

}  // namespace
}  // namespace caudal::http
