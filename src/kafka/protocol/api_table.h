// The Kafka APIs Caudal serves, with the version range it advertises for each: one explicit
// table, read by the ApiVersions handler (what to advertise), by the dispatcher (what to refuse)
// and by the codec (which header layout and which encodings a version uses).
//
// The ranges follow the brief (reference/kafka-protocol.md §1): only non-flexible versions,
// except ApiVersions v3. docs/kafka-protocol.md explains each choice.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

#include "common/check.h"

namespace caudal::kafka {

enum class ApiKey : int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kDescribeGroups = 15,
  kListGroups = 16,
  kSaslHandshake = 17,
  kApiVersions = 18,
  kCreateTopics = 19,
  kDeleteTopics = 20,
  kInitProducerId = 22,
  kOffsetForLeaderEpoch = 23,
  kSaslAuthenticate = 36,
};

// For APIs Kafka never made flexible (SaslHandshake).
inline constexpr int16_t kNeverFlexible = std::numeric_limits<int16_t>::max();

struct ApiInfo {
  ApiKey key;
  std::string_view name;  // Kafka's name, used in logs and error messages
  int16_t min_version;    // the range Caudal advertises and accepts, inclusive
  int16_t max_version;
  // Kafka's first flexible version of the API, whether or not Caudal advertises it. From it on
  // the body uses compact lengths and tagged fields, the request header is v2 and the response
  // header v1 (except ApiVersions, see response_header_version()).
  int16_t first_flexible_version;

  constexpr bool supports(int16_t version) const {
    return version >= min_version && version <= max_version;
  }
  constexpr bool is_flexible(int16_t version) const { return version >= first_flexible_version; }
};

inline constexpr std::array<ApiInfo, 20> kApiTable = {{
    {ApiKey::kProduce, "Produce", 3, 7, 9},
    {ApiKey::kFetch, "Fetch", 4, 11, 12},
    {ApiKey::kListOffsets, "ListOffsets", 1, 3, 6},
    {ApiKey::kMetadata, "Metadata", 0, 6, 9},
    {ApiKey::kOffsetCommit, "OffsetCommit", 1, 7, 8},
    {ApiKey::kOffsetFetch, "OffsetFetch", 1, 5, 6},
    {ApiKey::kFindCoordinator, "FindCoordinator", 0, 2, 3},
    {ApiKey::kJoinGroup, "JoinGroup", 0, 5, 6},
    {ApiKey::kHeartbeat, "Heartbeat", 0, 3, 4},
    {ApiKey::kLeaveGroup, "LeaveGroup", 0, 2, 4},
    {ApiKey::kSyncGroup, "SyncGroup", 0, 3, 4},
    {ApiKey::kDescribeGroups, "DescribeGroups", 0, 4, 5},
    {ApiKey::kListGroups, "ListGroups", 0, 2, 3},
    {ApiKey::kSaslHandshake, "SaslHandshake", 0, 1, kNeverFlexible},
    {ApiKey::kApiVersions, "ApiVersions", 0, 3, 3},
    {ApiKey::kCreateTopics, "CreateTopics", 0, 4, 5},
    {ApiKey::kDeleteTopics, "DeleteTopics", 0, 3, 4},
    {ApiKey::kInitProducerId, "InitProducerId", 0, 1, 2},
    {ApiKey::kOffsetForLeaderEpoch, "OffsetForLeaderEpoch", 0, 3, 4},
    {ApiKey::kSaslAuthenticate, "SaslAuthenticate", 0, 1, 2},
}};

// The entry for a raw API key from the wire, or nullptr when Caudal does not serve it.
constexpr const ApiInfo* find_api(int16_t api_key) {
  for (const ApiInfo& info : kApiTable) {
    if (static_cast<int16_t>(info.key) == api_key) {
      return &info;
    }
  }
  return nullptr;
}

// The entry for a key of the enum; every enumerator has one.
constexpr const ApiInfo& api_info(ApiKey key) {
  const ApiInfo* info = find_api(static_cast<int16_t>(key));
  CAUDAL_CHECK(info != nullptr, "ApiKey enumerator missing from kApiTable");
  return *info;
}

// Request header v1 (client id as an int16-length string) before the API's first flexible
// version, v2 (v1 plus a tagged-field section) from it on. Defined for versions Caudal does not
// advertise too, so a request for one can still be read far enough to answer it.
constexpr int16_t request_header_version(const ApiInfo& api, int16_t api_version) {
  return api.is_flexible(api_version) ? 2 : 1;
}

// Response header v0 (correlation id only) or v1 (plus tagged fields). ApiVersions always
// answers with v0, whatever its version: a client that sent a version the broker does not know
// must still be able to read the header of the error reply.
constexpr int16_t response_header_version(const ApiInfo& api, int16_t api_version) {
  if (api.key == ApiKey::kApiVersions) {
    return 0;
  }
  return api.is_flexible(api_version) ? 1 : 0;
}

}  // namespace caudal::kafka
