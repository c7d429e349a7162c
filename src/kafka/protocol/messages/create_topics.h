// CreateTopics (key 19), versions 0-4. v1 adds validate_only and per-topic error messages; v4
// lets num_partitions and replication_factor be -1 (the broker's defaults).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct CreateTopicsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  static constexpr bool kIsRequest = true;

  struct Assignment {
    int32_t partition_index = 0;
    std::vector<int32_t> broker_ids;

    static constexpr auto fields() {
      using M = Assignment;
      using schema::field;
      return std::tuple{field("partition_index", &M::partition_index),
                        field("broker_ids", &M::broker_ids)};
    }
  };

  struct Config {
    std::string name;
    std::optional<std::string> value;

    static constexpr auto fields() {
      using M = Config;
      using schema::field;
      return std::tuple{field("name", &M::name), field("value", &M::value).nullable()};
    }
  };

  struct Topic {
    std::string name;
    int32_t num_partitions = -1;
    int16_t replication_factor = -1;
    std::vector<Assignment> assignments;
    std::vector<Config> configs;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{
          field("name", &M::name),
          field("num_partitions", &M::num_partitions),
          field("replication_factor", &M::replication_factor),
          field("assignments", &M::assignments),
          field("configs", &M::configs),
      };
    }
  };

  std::vector<Topic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;

  static constexpr auto fields() {
    using M = CreateTopicsRequest;
    using schema::field;
    return std::tuple{
        field("topics", &M::topics),
        field("timeout_ms", &M::timeout_ms),
        field("validate_only", &M::validate_only).since(1),
    };
  }
};

struct CreateTopicsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kCreateTopics;
  static constexpr bool kIsRequest = false;

  struct Topic {
    std::string name;
    ErrorCode error_code = ErrorCode::kNone;
    std::optional<std::string> error_message;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{
          field("name", &M::name),
          field("error_code", &M::error_code),
          field("error_message", &M::error_message).since(1).nullable(),
      };
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<Topic> topics;

  static constexpr auto fields() {
    using M = CreateTopicsResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(2),
        field("topics", &M::topics),
    };
  }
};

}  // namespace caudal::kafka
