// OffsetForLeaderEpoch (key 23), versions 0-3. librdkafka >= 2.1 uses it to validate a fetch
// position whose leader epoch is not -1. v1 adds the epoch to the response, v2 the current
// leader epoch (fencing), v3 the replica id.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct OffsetForLeaderEpochRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetForLeaderEpoch;
  static constexpr bool kIsRequest = true;

  struct Partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;
    int32_t leader_epoch = 0;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("partition", &M::partition),
          field("current_leader_epoch", &M::current_leader_epoch).since(2),
          field("leader_epoch", &M::leader_epoch),
      };
    }
  };

  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{field("topic", &M::topic), field("partitions", &M::partitions)};
    }
  };

  int32_t replica_id = -1;  // -1: a consumer
  std::vector<Topic> topics;

  static constexpr auto fields() {
    using M = OffsetForLeaderEpochRequest;
    using schema::field;
    return std::tuple{field("replica_id", &M::replica_id).since(3), field("topics", &M::topics)};
  }
};

struct OffsetForLeaderEpochResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetForLeaderEpoch;
  static constexpr bool kIsRequest = false;

  struct Partition {
    ErrorCode error_code = ErrorCode::kNone;
    int32_t partition = 0;
    int32_t leader_epoch = -1;
    int64_t end_offset = -1;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("error_code", &M::error_code),
          field("partition", &M::partition),
          field("leader_epoch", &M::leader_epoch).since(1),
          field("end_offset", &M::end_offset),
      };
    }
  };

  struct Topic {
    std::string topic;
    std::vector<Partition> partitions;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{field("topic", &M::topic), field("partitions", &M::partitions)};
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<Topic> topics;

  static constexpr auto fields() {
    using M = OffsetForLeaderEpochResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(2),
        field("topics", &M::topics),
    };
  }
};

}  // namespace caudal::kafka
