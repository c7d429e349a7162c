#include "kafka/protocol/api_table.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "kafka/protocol/error_code.h"

namespace caudal::kafka {
namespace {

struct Expected {
  std::string_view name;
  int16_t key;
  int16_t min;
  int16_t max;
  int16_t first_flexible;
};

// The brief's "Recommended ranges to advertise" (reference/kafka-protocol.md §1), with Kafka's
// first flexible version of each API.
constexpr Expected kBriefRanges[] = {
    {"Produce", 0, 3, 7, 9},
    {"Fetch", 1, 4, 11, 12},
    {"ListOffsets", 2, 1, 3, 6},
    {"Metadata", 3, 0, 6, 9},
    {"OffsetCommit", 8, 1, 7, 8},
    {"OffsetFetch", 9, 1, 5, 6},
    {"FindCoordinator", 10, 0, 2, 3},
    {"JoinGroup", 11, 0, 5, 6},
    {"Heartbeat", 12, 0, 3, 4},
    {"LeaveGroup", 13, 0, 2, 4},
    {"SyncGroup", 14, 0, 3, 4},
    {"DescribeGroups", 15, 0, 4, 5},
    {"ListGroups", 16, 0, 2, 3},
    {"SaslHandshake", 17, 0, 1, kNeverFlexible},
    {"ApiVersions", 18, 0, 3, 3},
    {"CreateTopics", 19, 0, 4, 5},
    {"DeleteTopics", 20, 0, 3, 4},
    {"InitProducerId", 22, 0, 1, 2},
    {"OffsetForLeaderEpoch", 23, 0, 3, 4},
    {"SaslAuthenticate", 36, 0, 1, 2},
};

TEST(ApiTableTest, MatchesTheBriefsRanges) {
  ASSERT_EQ(kApiTable.size(), std::size(kBriefRanges));
  for (const Expected& e : kBriefRanges) {
    const ApiInfo* info = find_api(e.key);
    ASSERT_NE(info, nullptr) << e.name;
    EXPECT_EQ(info->name, e.name);
    EXPECT_EQ(info->min_version, e.min) << e.name;
    EXPECT_EQ(info->max_version, e.max) << e.name;
    EXPECT_EQ(info->first_flexible_version, e.first_flexible) << e.name;
  }
}

TEST(ApiTableTest, DocsListTheSameRanges) {
  const char* source_dir = std::getenv("CAUDAL_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "ctest sets CAUDAL_SOURCE_DIR";
  std::ifstream file(std::string(source_dir) + "/docs/kafka-protocol.md");
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  for (const ApiInfo& info : kApiTable) {
    // "| Produce | 0 | 3–7 |" (an en dash between the versions)
    std::string row = "| " + std::string(info.name) + " | " +
                      std::to_string(static_cast<int16_t>(info.key)) + " | " +
                      std::to_string(info.min_version) + "\u2013" +
                      std::to_string(info.max_version) + " |";
    EXPECT_NE(text.str().find(row), std::string::npos) << "docs/kafka-protocol.md lacks " << row;
  }
}

TEST(ApiTableTest, OnlyApiVersionsV3IsFlexibleAmongAdvertisedVersions) {
  for (const ApiInfo& info : kApiTable) {
    for (int16_t v = info.min_version; v <= info.max_version; ++v) {
      bool expected = info.key == ApiKey::kApiVersions && v == 3;
      EXPECT_EQ(info.is_flexible(v), expected) << info.name << " v" << v;
    }
  }
}

TEST(ApiTableTest, KeysAreUniqueAndUnknownKeysAreNotFound) {
  std::set<int16_t> keys;
  for (const ApiInfo& info : kApiTable) {
    EXPECT_TRUE(keys.insert(static_cast<int16_t>(info.key)).second) << info.name;
  }
  EXPECT_EQ(find_api(4), nullptr);   // LeaderAndIsr: a broker-to-broker API
  EXPECT_EQ(find_api(32), nullptr);  // DescribeConfigs: not served yet
  EXPECT_EQ(find_api(-1), nullptr);
  EXPECT_EQ(find_api(1000), nullptr);
}

TEST(ApiTableTest, HeaderVersions) {
  const ApiInfo& produce = api_info(ApiKey::kProduce);
  EXPECT_EQ(request_header_version(produce, 7), 1);
  EXPECT_EQ(response_header_version(produce, 7), 0);
  EXPECT_EQ(request_header_version(produce, 9), 2);  // flexible, though not advertised
  EXPECT_EQ(response_header_version(produce, 9), 1);

  const ApiInfo& api_versions = api_info(ApiKey::kApiVersions);
  EXPECT_EQ(request_header_version(api_versions, 2), 1);
  EXPECT_EQ(request_header_version(api_versions, 3), 2);
  EXPECT_EQ(request_header_version(api_versions, 7), 2);
  for (int16_t v = 0; v < 8; ++v) {
    EXPECT_EQ(response_header_version(api_versions, v), 0) << "ApiVersions v" << v;
  }

  const ApiInfo& handshake = api_info(ApiKey::kSaslHandshake);
  EXPECT_EQ(request_header_version(handshake, 1), 1);
  EXPECT_EQ(response_header_version(handshake, 100), 0);
}

TEST(ErrorCodeTest, TheBriefsCodesHaveKafkasNumbers) {
  struct Code {
    ErrorCode code;
    int16_t number;
    std::string_view name;
  };
  const Code codes[] = {
      {ErrorCode::kOffsetOutOfRange, 1, "OFFSET_OUT_OF_RANGE"},
      {ErrorCode::kCorruptMessage, 2, "CORRUPT_MESSAGE"},
      {ErrorCode::kUnknownTopicOrPartition, 3, "UNKNOWN_TOPIC_OR_PARTITION"},
      {ErrorCode::kLeaderNotAvailable, 5, "LEADER_NOT_AVAILABLE"},
      {ErrorCode::kNotLeaderOrFollower, 6, "NOT_LEADER_OR_FOLLOWER"},
      {ErrorCode::kRequestTimedOut, 7, "REQUEST_TIMED_OUT"},
      {ErrorCode::kMessageTooLarge, 10, "MESSAGE_TOO_LARGE"},
      {ErrorCode::kCoordinatorNotAvailable, 15, "COORDINATOR_NOT_AVAILABLE"},
      {ErrorCode::kNotCoordinator, 16, "NOT_COORDINATOR"},
      {ErrorCode::kRecordListTooLarge, 18, "RECORD_LIST_TOO_LARGE"},
      {ErrorCode::kInvalidRequiredAcks, 21, "INVALID_REQUIRED_ACKS"},
      {ErrorCode::kIllegalGeneration, 22, "ILLEGAL_GENERATION"},
      {ErrorCode::kInconsistentGroupProtocol, 23, "INCONSISTENT_GROUP_PROTOCOL"},
      {ErrorCode::kUnknownMemberId, 25, "UNKNOWN_MEMBER_ID"},
      {ErrorCode::kInvalidSessionTimeout, 26, "INVALID_SESSION_TIMEOUT"},
      {ErrorCode::kRebalanceInProgress, 27, "REBALANCE_IN_PROGRESS"},
      {ErrorCode::kTopicAuthorizationFailed, 29, "TOPIC_AUTHORIZATION_FAILED"},
      {ErrorCode::kGroupAuthorizationFailed, 30, "GROUP_AUTHORIZATION_FAILED"},
      {ErrorCode::kUnsupportedSaslMechanism, 33, "UNSUPPORTED_SASL_MECHANISM"},
      {ErrorCode::kIllegalSaslState, 34, "ILLEGAL_SASL_STATE"},
      {ErrorCode::kUnsupportedVersion, 35, "UNSUPPORTED_VERSION"},
      {ErrorCode::kTopicAlreadyExists, 36, "TOPIC_ALREADY_EXISTS"},
      {ErrorCode::kInvalidReplicationFactor, 38, "INVALID_REPLICATION_FACTOR"},
      {ErrorCode::kKafkaStorageError, 56, "KAFKA_STORAGE_ERROR"},
      {ErrorCode::kSaslAuthenticationFailed, 58, "SASL_AUTHENTICATION_FAILED"},
      {ErrorCode::kUnsupportedCompressionType, 76, "UNSUPPORTED_COMPRESSION_TYPE"},
      {ErrorCode::kMemberIdRequired, 79, "MEMBER_ID_REQUIRED"},
      {ErrorCode::kInvalidRecord, 87, "INVALID_RECORD"},
  };
  for (const Code& c : codes) {
    EXPECT_EQ(static_cast<int16_t>(c.code), c.number) << c.name;
    EXPECT_EQ(error_code_name(c.code), c.name);
  }
  EXPECT_EQ(error_code_name(ErrorCode::kNone), "NONE");
  EXPECT_EQ(error_code_name(static_cast<ErrorCode>(999)), "UNKNOWN_ERROR_CODE");
}

}  // namespace
}  // namespace caudal::kafka
