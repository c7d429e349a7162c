// JoinGroup (key 11), versions 0-5. v1 adds the rebalance timeout (v0 members use their
// session timeout), v4 the two-step join (MEMBER_ID_REQUIRED), v5 static membership
// (group_instance_id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/bytes.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct JoinGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  static constexpr bool kIsRequest = true;

  struct Protocol {
    std::string name;
    ByteView metadata;  // opaque to the broker, borrowed from the request frame

    static constexpr auto fields() {
      using M = Protocol;
      using schema::field;
      return std::tuple{field("name", &M::name), field("metadata", &M::metadata)};
    }
  };

  std::string group_id;
  int32_t session_timeout_ms = 0;
  // -1 when absent (v0): the coordinator then uses session_timeout_ms.
  int32_t rebalance_timeout_ms = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string protocol_type;
  std::vector<Protocol> protocols;

  static constexpr auto fields() {
    using M = JoinGroupRequest;
    using schema::field;
    return std::tuple{
        field("group_id", &M::group_id),
        field("session_timeout_ms", &M::session_timeout_ms),
        field("rebalance_timeout_ms", &M::rebalance_timeout_ms).since(1),
        field("member_id", &M::member_id),
        field("group_instance_id", &M::group_instance_id).since(5).nullable(),
        field("protocol_type", &M::protocol_type),
        field("protocols", &M::protocols),
    };
  }
};

struct JoinGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kJoinGroup;
  static constexpr bool kIsRequest = false;

  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    ByteView metadata;

    static constexpr auto fields() {
      using M = Member;
      using schema::field;
      return std::tuple{
          field("member_id", &M::member_id),
          field("group_instance_id", &M::group_instance_id).since(5).nullable(),
          field("metadata", &M::metadata),
      };
    }
  };

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<Member> members;  // filled for the leader only

  static constexpr auto fields() {
    using M = JoinGroupResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(2),
        field("error_code", &M::error_code),
        field("generation_id", &M::generation_id),
        field("protocol_name", &M::protocol_name),
        field("leader", &M::leader),
        field("member_id", &M::member_id),
        field("members", &M::members),
    };
  }
};

}  // namespace caudal::kafka
