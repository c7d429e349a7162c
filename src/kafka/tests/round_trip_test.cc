// Every message of every API, in every version Caudal serves: sample values survive
// encode -> decode unchanged, and re-encoding the decoded message gives the same bytes.
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "common/byte_writer.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/message_codec.h"
#include "kafka/protocol/messages.h"
#include "kafka/tests/message_samples.h"

namespace caudal::kafka {
namespace {

constexpr uint32_t kSamplesPerVersion = 8;

template <Message M>
void expect_round_trip(int16_t version, uint32_t seed) {
  SCOPED_TRACE(codec_detail::describe_message(api_info(M::kApiKey), M::kIsRequest, version) +
               ", sample " + std::to_string(seed));
  testing::SampleFiller filler(version, seed);
  M original;
  filler.fill(original);

  ByteWriter first;
  Status encoded = encode_message(original, version, first);
  ASSERT_TRUE(encoded.ok()) << encoded.to_string();
  EXPECT_EQ(encoded_body_size(original, version), first.size());

  Result<M> decoded = decode_message<M>(first.view(), version);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_TRUE(testing::same_value(original, *decoded));

  ByteWriter second;
  ASSERT_TRUE(encode_message(*decoded, version, second).ok());
  EXPECT_EQ(Bytes(first.view().begin(), first.view().end()),
            Bytes(second.view().begin(), second.view().end()));
}

TEST(RoundTripTest, EveryMessageEveryVersion) {
  size_t checked = 0;
  std::apply(
      [&](auto... apis) {
        auto one_api = [&](auto api) {
          using Api = decltype(api);
          const ApiInfo& info = api_info(Api::kApiKey);
          for (int16_t v = info.min_version; v <= info.max_version; ++v) {
            for (uint32_t seed = 0; seed < kSamplesPerVersion; ++seed) {
              expect_round_trip<typename Api::Request>(v, seed);
              expect_round_trip<typename Api::Response>(v, seed);
              checked += 2;
            }
          }
        };
        (one_api(apis), ...);
      },
      AllApiMessages{});
  // 20 APIs, 86 versions in all.
  EXPECT_EQ(checked, 86u * 2 * kSamplesPerVersion);
}

TEST(RoundTripTest, WholeFramesThroughTheHeaders) {
  testing::SampleFiller filler(11, 1);
  FetchRequest request;
  filler.fill(request);
  Result<Bytes> frame = encode_request_frame(request, 11, 42, std::string("caudal-test"));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();

  ByteView payload = ByteView(*frame).subspan(kFrameSizePrefix);
  EXPECT_EQ(load_be32(frame->data()), payload.size());
  EXPECT_EQ(frame->capacity(), frame->size());  // sized exactly, allocated once
  Result<IncomingRequest> incoming = decode_request_header(payload);
  ASSERT_TRUE(incoming.ok()) << incoming.status().to_string();
  EXPECT_EQ(incoming->api->key, ApiKey::kFetch);
  EXPECT_EQ(incoming->header.api_version, 11);
  EXPECT_EQ(incoming->header.correlation_id, 42);
  EXPECT_EQ(incoming->header.client_id, "caudal-test");
  Result<FetchRequest> body = decode_message<FetchRequest>(incoming->body, 11);
  ASSERT_TRUE(body.ok()) << body.status().to_string();
  EXPECT_TRUE(testing::same_value(request, *body));

  FetchResponse response;
  filler.fill(response);
  Result<Bytes> response_frame = encode_response_frame(response, 11, 42);
  ASSERT_TRUE(response_frame.ok()) << response_frame.status().to_string();
  Result<DecodedResponse<FetchResponse>> decoded =
      decode_response_frame<FetchResponse>(ByteView(*response_frame).subspan(4), 11);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->correlation_id, 42);
  EXPECT_TRUE(testing::same_value(response, decoded->body));
}

TEST(RoundTripTest, AbsentFieldsDecodeToTheirDefaults) {
  JoinGroupRequest request;
  request.group_id = "g";
  request.rebalance_timeout_ms = 1234;
  request.group_instance_id = "instance";
  ByteWriter out;
  ASSERT_TRUE(encode_message(request, 0, out).ok());
  Result<JoinGroupRequest> v0 = decode_message<JoinGroupRequest>(out.view(), 0);
  ASSERT_TRUE(v0.ok()) << v0.status().to_string();
  EXPECT_EQ(v0->group_id, "g");
  EXPECT_EQ(v0->rebalance_timeout_ms, -1);          // not in v0
  EXPECT_FALSE(v0->group_instance_id.has_value());  // not before v5
}

}  // namespace
}  // namespace caudal::kafka
