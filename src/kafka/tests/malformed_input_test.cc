// Untrusted bytes: every way a request can be cut short or lie about its sizes is refused with
// an error that names the API, version and field, and nothing is allocated on a lie's behalf.
#include <random>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "common/byte_writer.h"
#include "kafka/protocol/errc.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/message_codec.h"
#include "kafka/protocol/messages.h"
#include "kafka/tests/message_samples.h"

namespace caudal::kafka {
namespace {

bool contains(const Status& status, std::string_view text) {
  return status.message().find(text) != std::string::npos;
}

template <Message M>
void expect_malformed(ByteView body, int16_t version, std::string_view text) {
  Result<M> decoded = decode_message<M>(body, version);
  ASSERT_FALSE(decoded.ok()) << "decoded although malformed";
  EXPECT_EQ(decoded.status().code(), make_error_code(Errc::kMalformedMessage));
  EXPECT_TRUE(contains(decoded.status(), text)) << decoded.status().message();
}

template <Message M>
Bytes sample_body(int16_t version, testing::SampleFiller& filler) {
  M message;
  filler.fill(message);
  ByteWriter out;
  EXPECT_TRUE(encode_message(message, version, out).ok());
  return out.take();
}

// A Produce v3 body whose one record set claims `claimed` bytes and carries 4.
Bytes produce_v3_with_record_length(int32_t claimed) {
  ByteWriter w;
  w.write_i16(-1);  // transactional_id
  w.write_i16(1);   // acks
  w.write_i32(1000);
  w.write_i32(1);  // topics
  w.write_i16(1);
  w.write_u8('t');
  w.write_i32(1);  // partitions
  w.write_i32(0);
  w.write_i32(claimed);
  w.write_i32(0);
  return w.take();
}

template <Message M>
void expect_every_truncation_refused(int16_t version) {
  testing::SampleFiller filler(version, 3);
  Bytes full = sample_body<M>(version, filler);
  std::string prefix =
      codec_detail::describe_message(api_info(M::kApiKey), M::kIsRequest, version) + ": ";
  for (size_t cut = 0; cut < full.size(); ++cut) {
    Bytes truncated(full.begin(), full.begin() + static_cast<ptrdiff_t>(cut));
    Result<M> decoded = decode_message<M>(truncated, version);
    ASSERT_FALSE(decoded.ok()) << prefix << "decoded from " << cut << " of " << full.size()
                               << " bytes";
    EXPECT_EQ(decoded.status().code(), make_error_code(Errc::kMalformedMessage));
    EXPECT_EQ(decoded.status().message().rfind(prefix, 0), 0u) << decoded.status().message();
  }
}

TEST(MalformedInputTest, EveryTruncationOfEveryMessageIsRefused) {
  std::apply(
      [](auto... apis) {
        auto one_api = [](auto api) {
          using Api = decltype(api);
          const ApiInfo& info = api_info(Api::kApiKey);
          for (int16_t v = info.min_version; v <= info.max_version; ++v) {
            expect_every_truncation_refused<typename Api::Request>(v);
            expect_every_truncation_refused<typename Api::Response>(v);
          }
        };
        (one_api(apis), ...);
      },
      AllApiMessages{});
}

TEST(MalformedInputTest, TruncationNamesTheField) {
  expect_malformed<ProduceRequest>(
      produce_v3_with_record_length(100), 3,
      "Produce v3 request: topics[0].partitions[0].records: byte string needs 100 bytes at "
      "position 27, only 4 remain");
}

TEST(MalformedInputTest, AbsurdArrayCountIsRefusedBeforeAllocating) {
  ByteWriter w;
  w.write_i16(-1);          // transactional_id: null
  w.write_i16(1);           // acks
  w.write_i32(1000);        // timeout_ms
  w.write_i32(0x7fffffff);  // topics: a count no 8 remaining bytes can hold
  w.write_i64(0);
  expect_malformed<ProduceRequest>(
      w.take(), 3,
      "Produce v3 request: topics: array of 2147483647 elements needs at least 12884901882 "
      "bytes, only 8 remain");

  // The same lie one level down.
  ByteWriter nested;
  nested.write_i16(-1);
  nested.write_i16(1);
  nested.write_i32(1000);
  nested.write_i32(1);  // one topic
  nested.write_i16(1);
  nested.write_u8('t');
  nested.write_i32(50'000'000);  // partitions
  expect_malformed<ProduceRequest>(nested.take(), 3, "topics[0].partitions: array of 50000000");

  // A compact count (ApiVersions v3 response) of 2^32 - 2 elements.
  ByteWriter compact;
  compact.write_i16(0);
  compact.write_uvarint(0xffffffff);
  expect_malformed<ApiVersionsResponse>(compact.take(), 3,
                                        "api_keys: array of 4294967294 elements");
}

TEST(MalformedInputTest, NegativeLengthsOtherThanNullAreRefused) {
  ByteWriter string_length;
  string_length.write_i16(-2);  // HeartbeatRequest.group_id
  expect_malformed<HeartbeatRequest>(string_length.take(), 0, "group_id: negative length -2");

  ByteWriter bytes_length;
  bytes_length.write_i32(-5);  // SaslAuthenticateRequest.auth_bytes
  expect_malformed<SaslAuthenticateRequest>(bytes_length.take(), 0,
                                            "auth_bytes: negative length -5");

  ByteWriter array_count;
  array_count.write_i32(-3);  // DeleteTopicsRequest.topic_names
  array_count.write_i32(0);
  expect_malformed<DeleteTopicsRequest>(array_count.take(), 0, "topic_names: negative length -3");
}

TEST(MalformedInputTest, NullIsRefusedWhereTheVersionDoesNotAllowIt) {
  ByteWriter w;
  w.write_i16(-1);  // transactional_id: null is fine
  w.write_i16(1);
  w.write_i32(1000);
  w.write_i32(1);
  w.write_i16(-1);  // topics[0].name: null is not
  w.write_i32(0);
  expect_malformed<ProduceRequest>(w.take(), 3,
                                   "topics[0].name: null, which version 3 does not allow here");

  ByteWriter assignment;  // SyncGroupResponse v0: error_code, assignment bytes (never null)
  assignment.write_i16(0);
  assignment.write_i32(-1);
  expect_malformed<SyncGroupResponse>(assignment.take(), 0, "assignment: null");
}

TEST(MalformedInputTest, LeftoverBytesAreRefused) {
  ByteWriter w;
  w.write_i16(0);  // HeartbeatResponse v0: error_code
  w.write_u8(0xff);
  expect_malformed<HeartbeatResponse>(
      w.take(), 0, "Heartbeat v0 response: 1 byte left over after the last field");
}

TEST(MalformedInputTest, CompactLengthsAreChecked) {
  ByteWriter long_string;  // ApiVersions v3 request: client_software_name of 40000 bytes
  long_string.write_uvarint(40001);
  expect_malformed<ApiVersionsRequest>(long_string.take(), 3,
                                       "client_software_name: string length 40000 is over");

  Bytes overlong_varint(6, 0xff);
  expect_malformed<ApiVersionsRequest>(overlong_varint, 3, "client_software_name: varint");

  ByteWriter truncated_string;
  truncated_string.write_uvarint(11);  // 10 bytes promised, 2 given
  truncated_string.write_string("ab");
  expect_malformed<ApiVersionsRequest>(truncated_string.take(), 3,
                                       "client_software_name: byte string needs 10 bytes");
}

TEST(MalformedInputTest, TaggedFieldsThatOverrunAreRefused) {
  ByteWriter w;  // ApiVersions v3 request with a tagged field claiming 100 bytes
  w.write_uvarint(1);
  w.write_uvarint(1);
  w.write_uvarint(1);  // one tagged field
  w.write_uvarint(7);
  w.write_uvarint(100);
  w.write_string("abc");
  expect_malformed<ApiVersionsRequest>(w.take(), 3, "<tagged fields>: byte string needs 100");
}

TEST(MalformedInputTest, UnknownApiAndUnsupportedVersion) {
  ByteWriter unknown;
  unknown.write_i16(57);
  unknown.write_i16(0);
  unknown.write_i32(9);
  unknown.write_i16(-1);
  Result<IncomingRequest> request = decode_request_header(unknown.view());
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), make_error_code(Errc::kUnsupportedApi));
  EXPECT_TRUE(contains(request.status(), "unknown API key 57 (version 0, correlation id 9)"))
      << request.status().message();

  Result<ProduceRequest> old = decode_message<ProduceRequest>(Bytes{}, 2);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), make_error_code(Errc::kUnsupportedVersion));
  EXPECT_TRUE(contains(old.status(), "Produce v2 request: Caudal supports versions 3 to 7"))
      << old.status().message();

  // A header naming an ApiVersions version Caudal does not know still decodes (as header v2),
  // so the dispatcher can answer UNSUPPORTED_VERSION.
  ByteWriter future;
  future.write_i16(18);
  future.write_i16(9);
  future.write_i32(4);
  future.write_i16(-1);
  future.write_u8(0);
  future.write_u8(0xaa);
  Result<IncomingRequest> api_versions = decode_request_header(future.view());
  ASSERT_TRUE(api_versions.ok()) << api_versions.status().to_string();
  EXPECT_EQ(api_versions->header.api_version, 9);
  EXPECT_EQ(api_versions->body.size(), 1u);
}

TEST(MalformedInputTest, ShortOrBrokenHeaders) {
  Bytes short_header = {0, 3, 0};
  Result<IncomingRequest> too_short = decode_request_header(short_header);
  ASSERT_FALSE(too_short.ok());
  EXPECT_EQ(too_short.status().code(), make_error_code(Errc::kMalformedMessage));
  EXPECT_TRUE(contains(too_short.status(), "request header: int16 needs 2 bytes"))
      << too_short.status().message();

  ByteWriter client_id;
  client_id.write_i16(3);
  client_id.write_i16(1);
  client_id.write_i32(77);
  client_id.write_i16(20);  // client id of 20 bytes, 1 present
  client_id.write_u8('x');
  Result<IncomingRequest> cut = decode_request_header(client_id.view());
  ASSERT_FALSE(cut.ok());
  EXPECT_TRUE(
      contains(cut.status(), "Metadata v1 request header v1 (correlation id 77): client_id"))
      << cut.status().message();
}

TEST(MalformedInputTest, EncodeRefusesValuesTheVersionCannotCarry) {
  HeartbeatRequest heartbeat;
  heartbeat.group_id.assign(40000, 'g');
  ByteWriter out;
  Status too_long = encode_message(heartbeat, 0, out);
  EXPECT_EQ(too_long.code(), make_error_code(Errc::kEncodeFailed));
  EXPECT_TRUE(contains(too_long, "Heartbeat v0 request: group_id: 40000 units are more than"))
      << too_long.message();

  FetchResponse fetch;
  fetch.responses = {{"t", {FetchResponse::Partition{}}}};
  fetch.responses[0].partitions[0].records.reset();  // nullable: fine
  ByteWriter ok_out;
  EXPECT_TRUE(encode_message(fetch, 4, ok_out).ok());

  CreateTopicsResponse topics;  // error_message is only present from v1
  topics.topics = {{"t", ErrorCode::kNone, std::nullopt}};
  ByteWriter v0_out;
  EXPECT_TRUE(encode_message(topics, 0, v0_out).ok());
}

TEST(MalformedInputTest, RandomBytesNeverCrashAnyDecoder) {
  std::mt19937 random(20260521);
  std::apply(
      [&](auto... apis) {
        auto one_api = [&](auto api) {
          using Api = decltype(api);
          const ApiInfo& info = api_info(Api::kApiKey);
          for (int i = 0; i < 300; ++i) {
            Bytes noise(random() % 64);
            for (uint8_t& b : noise) b = static_cast<uint8_t>(random() % 4 == 0 ? 0xff : random());
            auto v = static_cast<int16_t>(info.min_version +
                                          random() % (info.max_version - info.min_version + 1));
            // Either outcome is fine; what matters is a clean return (sanitizer builds check).
            (void)decode_message<typename Api::Request>(noise, v);
            (void)decode_message<typename Api::Response>(noise, v);
            (void)decode_request_header(noise);
          }
        };
        (one_api(apis), ...);
      },
      AllApiMessages{});
}

}  // namespace
}  // namespace caudal::kafka
