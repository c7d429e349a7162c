// LeaveGroup (key 13), versions 0-2: one member per request (v3 batches them; not served).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct LeaveGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  static constexpr bool kIsRequest = true;

  std::string group_id;
  std::string member_id;

  static constexpr auto fields() {
    using M = LeaveGroupRequest;
    using schema::field;
    return std::tuple{field("group_id", &M::group_id), field("member_id", &M::member_id)};
  }
};

struct LeaveGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kLeaveGroup;
  static constexpr bool kIsRequest = false;

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;

  static constexpr auto fields() {
    using M = LeaveGroupResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(1),
        field("error_code", &M::error_code),
    };
  }
};

}  // namespace caudal::kafka
