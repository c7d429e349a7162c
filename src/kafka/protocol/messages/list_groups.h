// ListGroups (key 16), versions 0-2.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct ListGroupsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  static constexpr bool kIsRequest = true;

  static constexpr auto fields() { return std::tuple{}; }
};

struct ListGroupsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListGroups;
  static constexpr bool kIsRequest = false;

  struct Group {
    std::string group_id;
    std::string protocol_type;

    static constexpr auto fields() {
      using M = Group;
      using schema::field;
      return std::tuple{field("group_id", &M::group_id), field("protocol_type", &M::protocol_type)};
    }
  };

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  std::vector<Group> groups;

  static constexpr auto fields() {
    using M = ListGroupsResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(1),
        field("error_code", &M::error_code),
        field("groups", &M::groups),
    };
  }
};

}  // namespace caudal::kafka
