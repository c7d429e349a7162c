// SyncGroup (key 14), versions 0-3. v3 adds group_instance_id.
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

struct SyncGroupRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  static constexpr bool kIsRequest = true;

  struct Assignment {
    std::string member_id;
    ByteView assignment;  // opaque to the broker, borrowed from the request frame

    static constexpr auto fields() {
      using M = Assignment;
      using schema::field;
      return std::tuple{field("member_id", &M::member_id), field("assignment", &M::assignment)};
    }
  };

  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<Assignment> assignments;  // sent by the leader only

  static constexpr auto fields() {
    using M = SyncGroupRequest;
    using schema::field;
    return std::tuple{
        field("group_id", &M::group_id),
        field("generation_id", &M::generation_id),
        field("member_id", &M::member_id),
        field("group_instance_id", &M::group_instance_id).since(3).nullable(),
        field("assignments", &M::assignments),
    };
  }
};

struct SyncGroupResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSyncGroup;
  static constexpr bool kIsRequest = false;

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  ByteView assignment;

  static constexpr auto fields() {
    using M = SyncGroupResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(1),
        field("error_code", &M::error_code),
        field("assignment", &M::assignment),
    };
  }
};

}  // namespace caudal::kafka
