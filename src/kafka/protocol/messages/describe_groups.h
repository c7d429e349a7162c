// DescribeGroups (key 15), versions 0-4. v3 adds authorized operations, v4 group_instance_id.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/bytes.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct DescribeGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  static constexpr bool kIsRequest = true;

  std::vector<std::string> groups;
  bool include_authorized_operations = false;

  static constexpr auto fields() {
    using M = DescribeGroupsRequest;
    using schema::field;
    return std::tuple{
        field("groups", &M::groups),
        field("include_authorized_operations", &M::include_authorized_operations).since(3),
    };
  }
};

struct DescribeGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDescribeGroups;
  static constexpr bool kIsRequest = false;

  // authorized_operations when the client did not ask for them.
  static constexpr int32_t kOperationsNotRequested = std::numeric_limits<int32_t>::min();

  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    std::string client_id;
    std::string client_host;
    ByteView member_metadata;
    ByteView member_assignment;

    static constexpr auto fields() {
      using M = Member;
      using schema::field;
      return std::tuple{
          field("member_id", &M::member_id),
          field("group_instance_id", &M::group_instance_id).since(4).nullable(),
          field("client_id", &M::client_id),
          field("client_host", &M::client_host),
          field("member_metadata", &M::member_metadata),
          field("member_assignment", &M::member_assignment),
      };
    }
  };

  struct Group {
    ErrorCode error_code = ErrorCode::kNone;
    std::string group_id;
    std::string group_state;
    std::string protocol_type;
    std::string protocol_data;
    std::vector<Member> members;
    int32_t authorized_operations = kOperationsNotRequested;

    static constexpr auto fields() {
      using M = Group;
      using schema::field;
      return std::tuple{
          field("error_code", &M::error_code),
          field("group_id", &M::group_id),
          field("group_state", &M::group_state),
          field("protocol_type", &M::protocol_type),
          field("protocol_data", &M::protocol_data),
          field("members", &M::members),
          field("authorized_operations", &M::authorized_operations).since(3),
      };
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<Group> groups;

  static constexpr auto fields() {
    using M = DescribeGroupsResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(1),
        field("groups", &M::groups),
    };
  }
};

}  // namespace caudal::kafka
