// Requests handled in one turn of an event loop share record batches (append_coalescer.h),
// yet each keeps its own outcome and its all-or-nothing refusal.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "http/tests/ingest_harness.h"

namespace caudal::http {
namespace {

using testing::IngestHarness;
using testing::kJson;
using testing::kNdjson;
using testing::topic_with;

IngestHarness::Call post(std::string target, std::string body,
                         const testing::Headers& headers = kJson) {
  return IngestHarness::Call{Verb::post, std::move(target), std::move(body), headers};
}

TEST(CoalescingTest, RequestsOfOneTurnShareOneBatchAndEachGetsItsOwnOffsets) {
  IngestHarness h({}, {{"T", topic_with(1)}});
  auto responses = h.call_together({post("/v1/topics/T", "{\"n\":0}"),
                                    post("/v1/topics/T", "{\"n\":1}\n{\"n\":2}\n", kNdjson),
                                    post("/v1/topics/T", "{\"n\":3}")});
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_NE(responses[0].body().find("\"first_offset\":0,\"last_offset\":0"), std::string::npos)
      << responses[0].body();
  EXPECT_NE(responses[1].body().find("\"first_offset\":1,\"last_offset\":2"), std::string::npos)
      << responses[1].body();
  EXPECT_NE(responses[2].body().find("\"first_offset\":3,\"last_offset\":3"), std::string::npos)
      << responses[2].body();
  EXPECT_EQ(h.batch_count("T"), 1u);
  auto records = h.records("T");
  ASSERT_EQ(records.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(records[i].value, fmt::format("{{\"n\":{}}}", i));

  // Requests of a later turn start a batch of their own.
  h.call(Verb::post, "/v1/topics/T", "{\"n\":4}", kJson);
  EXPECT_EQ(h.batch_count("T"), 2u);
}

TEST(CoalescingTest, ARefusedRequestLeavesNothingBetweenItsNeighbours) {
  IngestHarness h({}, {{"T", topic_with(1)}});
  // The middle request's first event is fine and goes into the shared batch before its
  // second one turns out to be malformed: the whole request must come back out.
  auto responses = h.call_together({post("/v1/topics/T", "{\"n\":0}"),
                                    post("/v1/topics/T", "{\"bad\":1}\n{\"bad\":\n", kNdjson),
                                    post("/v1/topics/T", "{\"n\":1}")});
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].result(), StatusCode::ok);
  EXPECT_EQ(responses[1].result(), StatusCode::bad_request) << responses[1].body();
  EXPECT_EQ(responses[2].result(), StatusCode::ok);
  EXPECT_NE(responses[2].body().find("\"first_offset\":1,\"last_offset\":1"), std::string::npos)
      << responses[2].body();
  auto records = h.records("T");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].value, "{\"n\":0}");
  EXPECT_EQ(records[1].value, "{\"n\":1}");
  EXPECT_EQ(h.batch_count("T"), 1u);
}

TEST(CoalescingTest, AnEventTooLargeAloneIsRefusedAndTheTurnsOtherEventsStay) {
  IngestHarness h({}, {{"T", topic_with(1, 300)}});
  const std::string big = fmt::format("{{\"pad\":\"{}\"}}", std::string(400, 'x'));
  auto responses = h.call_together({post("/v1/topics/T", "{\"n\":0}"), post("/v1/topics/T", big),
                                    post("/v1/topics/T", "{\"n\":1}")});
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].result(), StatusCode::ok);
  EXPECT_EQ(responses[1].result(), StatusCode::payload_too_large) << responses[1].body();
  EXPECT_EQ(responses[2].result(), StatusCode::ok);
  auto records = h.records("T");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].value, "{\"n\":1}");
}

TEST(CoalescingTest, SharedBatchesStayWithinMaxMessageBytes) {
  // Each event is about 60 bytes as a record; 400 bytes hold a few of them with the header.
  IngestHarness h({}, {{"T", topic_with(1, 400)}});
  std::vector<IngestHarness::Call> calls;
  for (int i = 0; i < 20; ++i) {
    calls.push_back(
        post("/v1/topics/T", fmt::format("{{\"n\":{},\"pad\":\"{}\"}}", i, std::string(40, 'p'))));
  }
  auto responses = h.call_together(calls);
  for (const Response& r : responses) EXPECT_EQ(r.result(), StatusCode::ok) << r.body();
  auto records = h.records("T");
  ASSERT_EQ(records.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(records[i].offset, i);
  const size_t batches = h.batch_count("T");
  EXPECT_GT(batches, 1u);
  EXPECT_LT(batches, 20u);
}

TEST(CoalescingTest, UnkeyedRequestsOfOneTurnStickToOnePartition) {
  IngestHarness h({}, {{"T", topic_with(4)}});
  std::vector<IngestHarness::Call> calls(8, post("/v1/topics/T", "{\"x\":1}"));
  for (const Response& r : h.call_together(calls)) EXPECT_EQ(r.result(), StatusCode::ok);
  int used = 0;
  for (int p = 0; p < 4; ++p) {
    if (h.end_offset("T", p) > 0) {
      ++used;
      EXPECT_EQ(h.end_offset("T", p), 8);
      EXPECT_EQ(h.batch_count("T", p), 1u);
    }
  }
  EXPECT_EQ(used, 1);
}

TEST(CoalescingTest, KeyedEventsOfSeveralRequestsShareTheirPartitionsBatches) {
  IngestHarness h({}, {{"T", topic_with(3)}});
  std::vector<IngestHarness::Call> calls;
  for (int r = 0; r < 5; ++r) {
    std::string body;
    for (int i = 0; i < 6; ++i) body += fmt::format("{{\"id\":\"k{}\",\"r\":{}}}\n", i, r);
    calls.push_back(post("/v1/topics/T?key=id", body, kNdjson));
  }
  for (const Response& r : h.call_together(calls)) EXPECT_EQ(r.result(), StatusCode::ok);
  size_t total = 0;
  for (int p = 0; p < 3; ++p) {
    const auto records = h.records("T", p);
    total += records.size();
    if (!records.empty()) {
      EXPECT_EQ(h.batch_count("T", p), 1u) << "partition " << p;
    }
    // Within a partition, each key's events keep their request order.
    std::map<std::string, int> last_request;
    for (const auto& record : records) {
      const std::string key = record.key.value_or("");
      const int request = record.value[record.value.size() - 2] - '0';
      auto [it, fresh] = last_request.emplace(key, request);
      if (!fresh) {
        EXPECT_GT(request, it->second) << key;
        it->second = request;
      }
    }
  }
  EXPECT_EQ(total, 30u);
}

}  // namespace
}  // namespace caudal::http
