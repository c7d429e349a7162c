// Heartbeat (key 12), versions 0-3. v3 adds group_instance_id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct HeartbeatRequest {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  static constexpr bool kIsRequest = true;

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;

  static constexpr auto fields() {
    using M = HeartbeatRequest;
    using schema::field;
    return std::tuple{
        field("group_id", &M::group_id),
        field("generation_id", &M::generation_id),
        field("member_id", &M::member_id),
        field("group_instance_id", &M::group_instance_id).since(3).nullable(),
    };
  }
};

struct HeartbeatResponse {
  static constexpr ApiKey kApiKey = ApiKey::kHeartbeat;
  static constexpr bool kIsRequest = false;

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;

  static constexpr auto fields() {
    using M = HeartbeatResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(1),
        field("error_code", &M::error_code),
    };
  }
};

}  // namespace caudal::kafka
