// DeleteTopics (key 20), versions 0-3 (all the same layout but for the throttle time).
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct DeleteTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  static constexpr bool kIsRequest = true;

  std::vector<std::string> topic_names;
  int32_t timeout_ms = 0;

  static constexpr auto fields() {
    using M = DeleteTopicsRequest;
    using schema::field;
    return std::tuple{field("topic_names", &M::topic_names), field("timeout_ms", &M::timeout_ms)};
  }
};

struct DeleteTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kDeleteTopics;
  static constexpr bool kIsRequest = false;

  struct Topic {
    std::string name;
    ErrorCode error_code = ErrorCode::kNone;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{field("name", &M::name), field("error_code", &M::error_code)};
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<Topic> responses;

  static constexpr auto fields() {
    using M = DeleteTopicsResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(1),
        field("responses", &M::responses),
    };
  }
};

}  // namespace caudal::kafka
