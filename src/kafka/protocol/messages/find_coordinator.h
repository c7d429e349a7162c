// FindCoordinator (key 10), versions 0-2.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct FindCoordinatorRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr bool kIsRequest = true;

  // Values of key_type.
  static constexpr int8_t kGroupKey = 0;
  static constexpr int8_t kTransactionKey = 1;

  std::string key;
  int8_t key_type = kGroupKey;

  static constexpr auto fields() {
    using M = FindCoordinatorRequest;
    using schema::field;
    return std::tuple{field("key", &M::key), field("key_type", &M::key_type).since(1)};
  }
};

struct FindCoordinatorResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFindCoordinator;
  static constexpr bool kIsRequest = false;

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  std::optional<std::string> error_message;
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;

  static constexpr auto fields() {
    using M = FindCoordinatorResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(1),
        field("error_code", &M::error_code),
        field("error_message", &M::error_message).since(1).nullable(),
        field("node_id", &M::node_id),
        field("host", &M::host),
        field("port", &M::port),
    };
  }
};

}  // namespace caudal::kafka
