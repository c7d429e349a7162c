// Byte-exact encodings written by hand from the protocol's layouts, for the messages and
// versions where other brokers got the bytes wrong (reference/kafka-protocol.md §7): each is
// checked in both directions, encode -> these bytes and these bytes -> decode.
#include <cctype>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "common/byte_writer.h"
#include "common/check.h"
#include "kafka/protocol/errc.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/message_codec.h"
#include "kafka/protocol/messages.h"

namespace caudal::kafka {
namespace {

// Bytes from a readable spec: hex pairs and "quoted" ASCII separated by whitespace; # starts a
// comment that runs to the end of the line.
Bytes hex(std::string_view spec) {
  Bytes out;
  for (size_t i = 0; i < spec.size();) {
    char c = spec[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      size_t end = spec.find('\n', i);
      i = end == std::string_view::npos ? spec.size() : end;
    } else if (c == '"') {
      size_t end = spec.find('"', i + 1);
      CAUDAL_CHECK(end != std::string_view::npos, "unterminated quote in hex spec");
      for (size_t j = i + 1; j < end; ++j) out.push_back(static_cast<uint8_t>(spec[j]));
      i = end + 1;
    } else {
      out.push_back(static_cast<uint8_t>(std::stoi(std::string(spec.substr(i, 2)), nullptr, 16)));
      i += 2;
    }
  }
  return out;
}

Bytes bytes_of(ByteView view) {
  return Bytes(view.begin(), view.end());
}

template <Message M>
Bytes encode_body(const M& message, int16_t version) {
  ByteWriter out;
  Status status = encode_message(message, version, out);
  EXPECT_TRUE(status.ok()) << status.to_string();
  return out.take();
}

// ByteView fields of the result point into `bytes`.
template <Message M>
M decode_body(ByteView bytes, int16_t version) {
  Result<M> decoded = decode_message<M>(bytes, version);
  EXPECT_TRUE(decoded.ok()) << decoded.status().to_string();
  return decoded.ok() ? std::move(decoded).value() : M{};
}

ApiVersionsResponse two_api_versions() {
  ApiVersionsResponse response;
  response.api_keys = {{0, 3, 7}, {18, 0, 3}};
  return response;
}

TEST(GoldenTest, ApiVersionsV0ResponseFrame) {
  Bytes expected = hex(R"(
      00 00 00 16               # frame size 22
      00 00 00 07               # header v0: correlation id
      00 00                     # error_code
      00 00 00 02               # api_keys: int32 count
      00 00 00 03 00 07         # Produce 3..7
      00 12 00 00 00 03         # ApiVersions 0..3
  )");
  Result<Bytes> frame = encode_response_frame(two_api_versions(), 0, 7);
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(*frame, expected);

  Result<DecodedResponse<ApiVersionsResponse>> decoded =
      decode_response_frame<ApiVersionsResponse>(ByteView(expected).subspan(4), 0);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  EXPECT_EQ(decoded->correlation_id, 7);
  ASSERT_EQ(decoded->body.api_keys.size(), 2u);
  EXPECT_EQ(decoded->body.api_keys[1].api_key, 18);
  EXPECT_EQ(decoded->body.api_keys[1].max_version, 3);
}

TEST(GoldenTest, ApiVersionsV3ResponseIsFlexibleButItsHeaderIsV0) {
  Bytes expected = hex(R"(
      00 00 00 1a               # frame size 26
      00 00 00 07               # header v0: correlation id, no tagged fields
      00 00                     # error_code
      03                        # api_keys: compact count, 2 + 1
      00 00 00 03 00 07 00      # Produce 3..7, empty tagged fields
      00 12 00 00 00 03 00      # ApiVersions 0..3, empty tagged fields
      00 00 00 00               # throttle_time_ms
      00                        # empty tagged fields
  )");
  Result<Bytes> frame = encode_response_frame(two_api_versions(), 3, 7);
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(*frame, expected);

  // A broker's tagged fields (here tag 0, SupportedFeatures, 3 bytes) are skipped.
  Bytes with_tags = hex(R"(
      00 00 02 00 00 00 03 00 07 00 00 00 00 00
      01 00 03 aa bb cc
  )");
  ApiVersionsResponse decoded = decode_body<ApiVersionsResponse>(with_tags, 3);
  ASSERT_EQ(decoded.api_keys.size(), 1u);
  EXPECT_EQ(decoded.api_keys[0].max_version, 7);
}

TEST(GoldenTest, ApiVersionsV3RequestWithHeaderV2AsLibrdkafkaSendsIt) {
  Bytes payload = hex(R"(
      00 12 00 03               # api_key 18, version 3
      00 00 00 01               # correlation id
      00 07 "rdkafka"           # client_id: int16 length even in header v2
      00                        # header tagged fields
      0b "librdkafka"           # client_software_name: compact, 10 + 1
      06 "2.0.2"                # client_software_version: compact, 5 + 1
      00                        # body tagged fields
  )");
  Result<IncomingRequest> request = decode_request_header(payload);
  ASSERT_TRUE(request.ok()) << request.status().to_string();
  EXPECT_EQ(request->header.client_id, "rdkafka");
  EXPECT_EQ(request->header.correlation_id, 1);
  ApiVersionsRequest body = decode_body<ApiVersionsRequest>(request->body, 3);
  EXPECT_EQ(body.client_software_name, "librdkafka");
  EXPECT_EQ(body.client_software_version, "2.0.2");

  ApiVersionsRequest original{"librdkafka", "2.0.2"};
  Result<Bytes> frame = encode_request_frame(original, 3, 1, std::string("rdkafka"));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(bytes_of(ByteView(*frame).subspan(4)), payload);
}

TEST(GoldenTest, MetadataV0RequestFrame) {
  Bytes expected = hex(R"(
      00 00 00 18               # frame size 24
      00 03 00 00               # api_key 3, version 0
      00 00 00 01               # correlation id
      00 03 "cli"               # client_id
      00 00 00 01               # topics: int32 count
      00 05 "alpha"             # name
  )");
  MetadataRequest request;
  request.topics = {{"alpha"}};
  Result<Bytes> frame = encode_request_frame(request, 0, 1, std::string("cli"));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(*frame, expected);

  Result<IncomingRequest> incoming = decode_request_header(ByteView(expected).subspan(4));
  ASSERT_TRUE(incoming.ok()) << incoming.status().to_string();
  EXPECT_EQ(incoming->api->key, ApiKey::kMetadata);
  MetadataRequest decoded = decode_body<MetadataRequest>(incoming->body, 0);
  ASSERT_TRUE(decoded.topics.has_value());
  ASSERT_EQ(decoded.topics->size(), 1u);
  EXPECT_EQ((*decoded.topics)[0].name, "alpha");
}

TEST(GoldenTest, MetadataAllTopicsIsEmptyInV0AndNullFromV1) {
  MetadataRequest all_v0;  // default: empty list
  EXPECT_EQ(encode_body(all_v0, 0), hex("00 00 00 00"));

  MetadataRequest all;
  all.topics.reset();
  EXPECT_EQ(encode_body(all, 1), hex("ff ff ff ff"));
  EXPECT_EQ(encode_body(all, 4), hex("ff ff ff ff  01"));  // then allow_auto_topic_creation
  EXPECT_FALSE(decode_body<MetadataRequest>(hex("ff ff ff ff"), 1).topics.has_value());

  ByteWriter out;
  Status v0_null = encode_message(all, 0, out);
  EXPECT_EQ(v0_null.code(), make_error_code(Errc::kEncodeFailed));
  Result<MetadataRequest> decoded_v0_null = decode_message<MetadataRequest>(hex("ff ff ff ff"), 0);
  ASSERT_FALSE(decoded_v0_null.ok());
  EXPECT_NE(decoded_v0_null.status().message().find("Metadata v0 request: topics: null"),
            std::string::npos)
      << decoded_v0_null.status().message();

  MetadataRequest none;  // v1+: empty means no topics
  EXPECT_EQ(encode_body(none, 1), hex("00 00 00 00"));
  EXPECT_TRUE(decode_body<MetadataRequest>(hex("00 00 00 00"), 1).topics->empty());
}

TEST(GoldenTest, ProduceV3RequestFrame) {
  Bytes expected = hex(R"(
      00 00 00 29               # frame size 41
      00 00 00 03               # api_key 0, version 3
      00 00 00 02               # correlation id
      ff ff                     # client_id: null
      ff ff                     # transactional_id: null
      ff ff                     # acks -1
      00 00 75 30               # timeout_ms 30000
      00 00 00 01  00 01 "t"    # topics: 1, name
      00 00 00 01               # partitions: 1
      00 00 00 00               # partition_index
      00 00 00 04 de ad be ef   # records: int32 length, batch bytes
  )");
  Bytes batch = hex("de ad be ef");
  ProduceRequest request;
  request.acks = -1;
  request.timeout_ms = 30000;
  request.topics = {{"t", {{0, ByteView(batch)}}}};
  Result<Bytes> frame = encode_request_frame(request, 3, 2, std::nullopt);
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(*frame, expected);

  ByteView payload = ByteView(expected).subspan(4);
  Result<IncomingRequest> incoming = decode_request_header(payload);
  ASSERT_TRUE(incoming.ok()) << incoming.status().to_string();
  EXPECT_FALSE(incoming->header.client_id.has_value());
  Result<ProduceRequest> decoded = decode_message<ProduceRequest>(incoming->body, 3);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  ByteView records = *decoded->topics[0].partitions[0].records;
  EXPECT_EQ(bytes_of(records), batch);
  // The records are a view into the frame, not a copy.
  EXPECT_EQ(records.data(), expected.data() + expected.size() - 4);
}

TEST(GoldenTest, ProduceResponseThrottleTimeComesLast) {
  ProduceResponse response;
  response.responses = {{"t", {{0, ErrorCode::kNone, 5, -1, 0}}}};
  response.throttle_time_ms = 100;
  EXPECT_EQ(encode_body(response, 7), hex(R"(
      00 00 00 01  00 01 "t"    # responses: 1, name
      00 00 00 01               # partitions: 1
      00 00 00 00  00 00        # partition_index, error_code
      00 00 00 00 00 00 00 05   # base_offset
      ff ff ff ff ff ff ff ff   # log_append_time_ms -1 (v2+)
      00 00 00 00 00 00 00 00   # log_start_offset (v5+)
      00 00 00 64               # throttle_time_ms, last
  )"));
}

TEST(GoldenTest, FetchV4ResponseWithEmptyRecordsIsZeroLengthNotNull) {
  Bytes expected = hex(R"(
      00 00 00 31               # frame size 49
      00 00 00 05               # header v0: correlation id
      00 00 00 00               # throttle_time_ms
      00 00 00 01  00 01 "t"    # responses: 1, topic
      00 00 00 01               # partitions: 1
      00 00 00 00  00 00        # partition_index, error_code
      00 00 00 00 00 00 00 10   # high_watermark 16
      00 00 00 00 00 00 00 10   # last_stable_offset 16
      00 00 00 00               # aborted_transactions: empty
      00 00 00 00               # records: zero length, not -1
  )");
  FetchResponse response;
  FetchResponse::Partition partition;  // records left at their default
  partition.high_watermark = 16;
  partition.last_stable_offset = 16;
  response.responses = {{"t", {partition}}};
  Result<Bytes> frame = encode_response_frame(response, 4, 5);
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(*frame, expected);

  Result<DecodedResponse<FetchResponse>> decoded =
      decode_response_frame<FetchResponse>(ByteView(expected).subspan(4), 4);
  ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
  const FetchResponse::Partition& p = decoded->body.responses[0].partitions[0];
  ASSERT_TRUE(p.records.has_value());
  EXPECT_TRUE(p.records->empty());
  EXPECT_EQ(p.log_start_offset, -1);  // not in v4
}

TEST(GoldenTest, FetchV11FieldOrder) {
  FetchRequest request;
  request.max_wait_ms = 500;
  request.min_bytes = 1;
  request.max_bytes = 52428800;
  request.isolation_level = 1;
  request.topics = {{"t", {{0, -1, 0, -1, 1048576}}}};
  request.rack_id = "r1";
  EXPECT_EQ(encode_body(request, 11), hex(R"(
      ff ff ff ff               # replica_id
      00 00 01 f4               # max_wait_ms
      00 00 00 01               # min_bytes
      03 20 00 00               # max_bytes
      01                        # isolation_level
      00 00 00 00  ff ff ff ff  # session_id, session_epoch (v7+)
      00 00 00 01  00 01 "t"    # topics: 1, topic
      00 00 00 01  00 00 00 00  # partitions: 1, partition
      ff ff ff ff               # current_leader_epoch (v9+)
      00 00 00 00 00 00 00 00   # fetch_offset
      ff ff ff ff ff ff ff ff   # log_start_offset (v5+)
      00 10 00 00               # partition_max_bytes
      00 00 00 00               # forgotten_topics_data (v7+): empty
      00 02 "r1"                # rack_id (v11), last
  )"));

  FetchResponse response;
  FetchResponse::Partition partition;
  partition.high_watermark = 1;
  partition.last_stable_offset = 1;
  partition.log_start_offset = 0;
  response.responses = {{"t", {partition}}};
  EXPECT_EQ(encode_body(response, 11), hex(R"(
      00 00 00 00               # throttle_time_ms
      00 00  00 00 00 00        # error_code, session_id (v7+)
      00 00 00 01  00 01 "t"    # responses: 1, topic
      00 00 00 01               # partitions: 1
      00 00 00 00  00 00        # partition_index, error_code
      00 00 00 00 00 00 00 01   # high_watermark
      00 00 00 00 00 00 00 01   # last_stable_offset
      00 00 00 00 00 00 00 00   # log_start_offset
      00 00 00 00               # aborted_transactions: empty
      ff ff ff ff               # preferred_read_replica -1 (v11), before records
      00 00 00 00               # records: empty
  )"));
}

TEST(GoldenTest, JoinGroupV5RequestFrame) {
  Bytes expected = hex(R"(
      00 00 00 3c               # frame size 60
      00 0b 00 05               # api_key 11, version 5
      00 00 00 03               # correlation id
      00 07 "rdkafka"           # client_id
      00 01 "g"                 # group_id
      00 00 af c8               # session_timeout_ms 45000
      00 04 93 e0               # rebalance_timeout_ms 300000 (v1+)
      00 00                     # member_id: empty, first join
      ff ff                     # group_instance_id: null (v5+)
      00 08 "consumer"          # protocol_type
      00 00 00 01  00 05 "range"  # protocols: 1, name
      00 00 00 03  01 02 03     # metadata
  )");
  Bytes metadata = hex("01 02 03");
  JoinGroupRequest request;
  request.group_id = "g";
  request.session_timeout_ms = 45000;
  request.rebalance_timeout_ms = 300000;
  request.protocol_type = "consumer";
  request.protocols = {{"range", ByteView(metadata)}};
  Result<Bytes> frame = encode_request_frame(request, 5, 3, std::string("rdkafka"));
  ASSERT_TRUE(frame.ok()) << frame.status().to_string();
  EXPECT_EQ(*frame, expected);

  Result<IncomingRequest> incoming = decode_request_header(ByteView(expected).subspan(4));
  ASSERT_TRUE(incoming.ok()) << incoming.status().to_string();
  JoinGroupRequest decoded = decode_body<JoinGroupRequest>(incoming->body, 5);
  EXPECT_EQ(decoded.rebalance_timeout_ms, 300000);
  EXPECT_TRUE(decoded.member_id.empty());
  EXPECT_FALSE(decoded.group_instance_id.has_value());
  EXPECT_EQ(bytes_of(decoded.protocols[0].metadata), metadata);

  // The same request as v4 has no group_instance_id at all.
  Bytes v4 = encode_body(request, 4);
  EXPECT_EQ(v4.size(), expected.size() - 4 - 17 - 2);
}

TEST(GoldenTest, JoinGroupV5ResponseMembersCarryGroupInstanceId) {
  Bytes metadata = hex("aa");
  JoinGroupResponse response;
  response.generation_id = 1;
  response.protocol_name = "range";
  response.leader = "m";
  response.member_id = "m";
  response.members = {{"m", std::string("i"), ByteView(metadata)}};
  EXPECT_EQ(encode_body(response, 5), hex(R"(
      00 00 00 00  00 00        # throttle_time_ms (v2+), error_code
      00 00 00 01               # generation_id
      00 05 "range"  00 01 "m"  00 01 "m"   # protocol_name, leader, member_id
      00 00 00 01               # members: 1
      00 01 "m"  00 01 "i"      # member_id, group_instance_id (v5+)
      00 00 00 01 aa            # metadata
  )"));
}

TEST(GoldenTest, OffsetCommitRetentionTimeOnlyInV2ToV4) {
  OffsetCommitRequest request;
  request.group_id = "g";
  request.generation_id = 1;
  request.member_id = "m";
  request.topics = {{"t", {{0, 42, -1, -1, std::nullopt}}}};
  Bytes common_head = hex(R"(00 01 "g"  00 00 00 01  00 01 "m")");
  Bytes topics_v2 = hex(R"(
      00 00 00 01  00 01 "t"  00 00 00 01  00 00 00 00
      00 00 00 00 00 00 00 2a   # committed_offset 42
      ff ff                     # committed_metadata: null
  )");
  Bytes retention = hex("ff ff ff ff ff ff ff ff");

  Bytes v2 = common_head;
  v2.insert(v2.end(), retention.begin(), retention.end());
  v2.insert(v2.end(), topics_v2.begin(), topics_v2.end());
  EXPECT_EQ(encode_body(request, 2), v2);
  EXPECT_EQ(encode_body(request, 4), v2);

  Bytes v5 = common_head;
  v5.insert(v5.end(), topics_v2.begin(), topics_v2.end());
  EXPECT_EQ(encode_body(request, 5), v5);

  // v1 has a per-partition commit timestamp before the metadata, and no retention.
  Bytes v1 = common_head;
  Bytes topics_v1 = hex(R"(
      00 00 00 01  00 01 "t"  00 00 00 01  00 00 00 00
      00 00 00 00 00 00 00 2a   # committed_offset 42
      ff ff ff ff ff ff ff ff   # commit_timestamp -1 (v1 only)
      ff ff                     # committed_metadata: null
  )");
  v1.insert(v1.end(), topics_v1.begin(), topics_v1.end());
  EXPECT_EQ(encode_body(request, 1), v1);

  // v7 adds group_instance_id after member_id and the leader epoch (v6+) after the offset.
  request.group_instance_id = "i";
  EXPECT_EQ(encode_body(request, 7), hex(R"(
      00 01 "g"  00 00 00 01  00 01 "m"  00 01 "i"
      00 00 00 01  00 01 "t"  00 00 00 01  00 00 00 00
      00 00 00 00 00 00 00 2a   # committed_offset
      ff ff ff ff               # committed_leader_epoch
      ff ff                     # committed_metadata
  )"));
}

TEST(GoldenTest, ThrottleTimeFirstWhereTheVersionHasIt) {
  HeartbeatResponse heartbeat;
  heartbeat.throttle_time_ms = 9;
  heartbeat.error_code = ErrorCode::kRebalanceInProgress;
  EXPECT_EQ(encode_body(heartbeat, 0), hex("00 1b"));
  EXPECT_EQ(encode_body(heartbeat, 1), hex("00 00 00 09  00 1b"));

  ListOffsetsResponse list_offsets;
  list_offsets.throttle_time_ms = 9;
  EXPECT_EQ(encode_body(list_offsets, 1), hex("00 00 00 00"));
  EXPECT_EQ(encode_body(list_offsets, 2), hex("00 00 00 09  00 00 00 00"));
}

TEST(GoldenTest, ResponseHeaderVersions) {
  HeartbeatResponse heartbeat;
  // Non-flexible: header v0, just the correlation id.
  Result<Bytes> frame = encode_response_frame(heartbeat, 3, 0x01020304);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(*frame, hex("00 00 00 0a  01 02 03 04  00 00 00 00  00 00"));
}

}  // namespace
}  // namespace caudal::kafka
