// The native ingest API end to end over a real log: what is stored, how it is partitioned,
// and that a refused request leaves every partition's end offset where it was.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "log/partitioner.h"
#include "http/tests/ingest_harness.h"

namespace caudal::http {
namespace {

using testing::IngestHarness;
using testing::kJson;
using testing::kNdjson;
using testing::topic_with;

TEST(IngestTest, StoresEachEventAsSentAndAnswersWithOffsets) {
  IngestHarness h({}, {{"ENTRY", topic_with(1)}});
  Response r = h.call(Verb::post, "/v1/topics/ENTRY", "[{\"a\": 1}, {\"b\":2}]", kJson);
  EXPECT_EQ(r.result(), StatusCode::ok) << r.body();
  EXPECT_EQ(r.body(),
            "{\"topic\":\"ENTRY\",\"count\":2,\"batches\":[{\"partition\":0,\"count\":2,"
            "\"first_offset\":0,\"last_offset\":1}]}");
  r = h.call(Verb::post, "/v1/topics/ENTRY", "{\"c\":3}\n{\"d\":4}\n", kNdjson);
  EXPECT_NE(r.body().find("\"first_offset\":2,\"last_offset\":3"), std::string::npos) << r.body();
  auto records = h.records("ENTRY");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].value, "{\"a\": 1}");
  EXPECT_EQ(records[3].value, "{\"d\":4}");
  EXPECT_FALSE(records[0].key.has_value());
  EXPECT_EQ(records[0].timestamp_ms, 1'714'566'896'789);
  EXPECT_TRUE(records[0].headers.empty());  // enrichment is off by default
}

TEST(IngestTest, UnkeyedEventsOfOneRequestShareOnePartition) {
  IngestHarness h({}, {{"T", topic_with(4)}});
  std::string body;
  for (int i = 0; i < 100; ++i) body += fmt::format("{{\"i\":{}}}\n", i);
  Response r = h.call(Verb::post, "/v1/topics/T", body, kNdjson);
  ASSERT_EQ(r.result(), StatusCode::ok) << r.body();
  int partitions_used = 0;
  for (int p = 0; p < 4; ++p) partitions_used += h.end_offset("T", p) > 0 ? 1 : 0;
  EXPECT_EQ(partitions_used, 1);
  // The next request goes to the next partition.
  h.call(Verb::post, "/v1/topics/T", "{}", kJson);
  partitions_used = 0;
  for (int p = 0; p < 4; ++p) partitions_used += h.end_offset("T", p) > 0 ? 1 : 0;
  EXPECT_EQ(partitions_used, 2);
}

TEST(IngestTest, KeyedEventsGoWhereKafkasPartitionerPutsThem) {
  IngestHarness h({}, {{"T", topic_with(3)}});
  std::string body;
  for (int i = 0; i < 30; ++i) body += fmt::format("{{\"device\":{{\"id\":\"d{}\"}}}}\n", i % 5);
  Response r = h.call(Verb::post, "/v1/topics/T?key=device.id", body, kNdjson);
  ASSERT_EQ(r.result(), StatusCode::ok) << r.body();
  size_t total = 0;
  for (int p = 0; p < 3; ++p) {
    for (const auto& record : h.records("T", p)) {
      ASSERT_TRUE(record.key.has_value());
      EXPECT_EQ(log::partition_for_key(*record.key, 3), p) << *record.key;
      ++total;
    }
  }
  EXPECT_EQ(total, 30u);
}

TEST(IngestTest, EnrichmentHeadersFollowTheTopicsSettings) {
  GatewaySettings settings;
  settings.host_name = "node-7";
  settings.topic_enrich["RICH"] = EnrichSettings{true, true, true, true};
  IngestHarness h(std::move(settings), {{"RICH", topic_with(1)}, {"PLAIN", topic_with(1)}});
  h.call(Verb::post, "/v1/topics/RICH", "{\"a\":1}\n{\"a\":2}\n", kNdjson);
  h.call(Verb::post, "/v1/topics/PLAIN", "{\"a\":1}", kJson);
  auto rich = h.records("RICH");
  ASSERT_EQ(rich.size(), 2u);
  EXPECT_EQ(rich[0].headers.at("caudal.received_at"), "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(rich[0].headers.at("caudal.client_address"), "10.1.2.3");
  EXPECT_EQ(rich[0].headers.at("caudal.host"), "node-7");
  EXPECT_EQ(rich[0].headers.at("caudal.event_id").size(), 36u);
  EXPECT_NE(rich[0].headers.at("caudal.event_id"), rich[1].headers.at("caudal.event_id"));
  EXPECT_TRUE(h.records("PLAIN")[0].headers.empty());
}

TEST(IngestTest, ARefusedRequestAppendsNothing) {
  IngestHarness h({}, {{"T", topic_with(2)}});
  std::string body;
  for (int i = 1; i <= 10'000; ++i) {
    body += i == 9'999 ? "{\"i\":oops}\n" : fmt::format("{{\"i\":{}}}\n", i);
  }
  Response r = h.call(Verb::post, "/v1/topics/T", body, kNdjson);
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_EQ(r.body(),
            "{\"error\":{\"status\":400,\"type\":\"invalid_json\",\"reason\":\"line 9999, column "
            "6: expected a JSON value (object, array, string, number, true, false or null)\"}}");
  EXPECT_EQ(h.end_offset("T", 0), 0);
  EXPECT_EQ(h.end_offset("T", 1), 0);
}

TEST(IngestTest, AnEventOverMaxMessageBytesIs413) {
  IngestHarness h({}, {{"T", topic_with(1, 2048)}});
  const std::string big = "{\"pad\":\"" + std::string(3000, 'x') + "\"}";
  Response r = h.call(Verb::post, "/v1/topics/T", "{\"ok\":1}\n" + big + "\n", kNdjson);
  EXPECT_EQ(r.result(), StatusCode::payload_too_large);
  EXPECT_NE(r.body().find("line 2: event of 3010 bytes"), std::string::npos) << r.body();
  EXPECT_NE(r.body().find("max_message_bytes of topic T (2048)"), std::string::npos) << r.body();
  EXPECT_EQ(h.end_offset("T"), 0);
}

TEST(IngestTest, EventsPastOneBatchAreCutIntoSeveral) {
  IngestHarness h({}, {{"T", topic_with(1, 4096)}});
  std::string body;
  for (int i = 0; i < 200; ++i)
    body += fmt::format("{{\"i\":{},\"pad\":\"{}\"}}\n", i, std::string(50, 'p'));
  Response r = h.call(Verb::post, "/v1/topics/T", body, kNdjson);
  ASSERT_EQ(r.result(), StatusCode::ok) << r.body();
  EXPECT_NE(r.body().find("\"count\":200,"), std::string::npos);
  EXPECT_NE(r.body().find("\"last_offset\":199}]"), std::string::npos) << r.body();
  auto records = h.records("T");
  ASSERT_EQ(records.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(records[i].offset, i);
}

TEST(IngestTest, UnknownTopicIs404UnlessAutoCreate) {
  GatewaySettings off;
  off.auto_create_topics = false;
  IngestHarness h(std::move(off));
  Response r = h.call(Verb::post, "/v1/topics/NOPE", "{}", kJson);
  EXPECT_EQ(r.result(), StatusCode::not_found);
  EXPECT_NE(r.body().find("topic NOPE does not exist (auto_create_topics is off)"),
            std::string::npos)
      << r.body();
  EXPECT_FALSE(h.log().describe_topic("NOPE").ok());

  GatewaySettings on;
  on.new_topic_settings = topic_with(3);
  IngestHarness auto_create(std::move(on));
  r = auto_create.call(Verb::post, "/v1/topics/NEW", "{\"a\":1}", kJson);
  EXPECT_EQ(r.result(), StatusCode::ok) << r.body();
  auto described = auto_create.log().describe_topic("NEW");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->settings.partitions, 3);
}

TEST(IngestTest, InvalidTopicNameIs400) {
  IngestHarness h;
  Response r = h.call(Verb::post, "/v1/topics/bad%20name", "{}", kJson);
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_NE(r.body().find("invalid_topic_name"), std::string::npos) << r.body();
}

TEST(IngestTest, DiskFullIs503WithRetryAfterAndNoPartialWrite) {
  IngestHarness h({}, {{"T", topic_with(1)}});
  ASSERT_EQ(h.call(Verb::post, "/v1/topics/T", "{\"before\":1}", kJson).result(), StatusCode::ok);
  h.fs().set_write_budget(100);  // the disk fills up in the middle of the next batch
  std::string body;
  for (int i = 0; i < 50; ++i) body += fmt::format("{{\"i\":{}}}\n", i);
  Response r = h.call(Verb::post, "/v1/topics/T", body, kNdjson);
  EXPECT_EQ(r.result(), StatusCode::service_unavailable) << r.body();
  EXPECT_EQ(r[boost::beast::http::field::retry_after], "10");
  EXPECT_NE(r.body().find("\"type\":\"storage\""), std::string::npos) << r.body();
  EXPECT_EQ(h.end_offset("T"), 1);
  h.fs().set_write_budget(std::nullopt);  // space returns
  r = h.call(Verb::post, "/v1/topics/T", body, kNdjson);
  EXPECT_EQ(r.result(), StatusCode::ok) << r.body();
  EXPECT_EQ(h.end_offset("T"), 51);
  EXPECT_EQ(h.records("T").size(), 51u);
}

TEST(IngestTest, RequestProblemsAreNamed) {
  IngestHarness h({}, {{"T", topic_with(1)}});
  Response r = h.call(Verb::post, "/v1/topics/T", "{}", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.result(), StatusCode::unsupported_media_type);
  r = h.call(Verb::post, "/v1/topics/T?key=a..b", "{}", kJson);
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_NE(r.body().find("empty field name"), std::string::npos);
  r = h.call(Verb::post, "/v1/topics/T", "{}",
             {{"Content-Type", "application/json"}, {"Content-Encoding", "br"}});
  EXPECT_EQ(r.result(), StatusCode::unsupported_media_type);
  EXPECT_NE(r.body().find("Content-Encoding 'br' is not supported"), std::string::npos);
  r = h.call(Verb::post, "/v1/topics/T", "", kJson);
  EXPECT_EQ(r.result(), StatusCode::bad_request);
  EXPECT_NE(r.body().find("empty_body"), std::string::npos);
  EXPECT_EQ(h.end_offset("T"), 0);
  const std::string metrics = h.registry().render();
  EXPECT_NE(metrics.find("caudal_http_ingest_errors_total{api=\"native\",code=\"empty_body\"} 1"),
            std::string::npos)
      << metrics;
}

}  // namespace
}  // namespace caudal::http
