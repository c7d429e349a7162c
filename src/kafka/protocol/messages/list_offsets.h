// ListOffsets (key 2), versions 1-3. v0 (several offsets per partition) is not served.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct ListOffsetsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  static constexpr bool kIsRequest = true;

  // Special values of Partition::timestamp.
  static constexpr int64_t kLatestTimestamp = -1;
  static constexpr int64_t kEarliestTimestamp = -2;

  struct Partition {
    int32_t partition_index = 0;
    int64_t timestamp = kLatestTimestamp;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{field("partition_index", &M::partition_index),
                        field("timestamp", &M::timestamp)};
    }
  };

  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{field("name", &M::name), field("partitions", &M::partitions)};
    }
  };

  int32_t replica_id = -1;
  int8_t isolation_level = 0;
  std::vector<Topic> topics;

  static constexpr auto fields() {
    using M = ListOffsetsRequest;
    using schema::field;
    return std::tuple{
        field("replica_id", &M::replica_id),
        field("isolation_level", &M::isolation_level).since(2),
        field("topics", &M::topics),
    };
  }
};

struct ListOffsetsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kListOffsets;
  static constexpr bool kIsRequest = false;

  struct Partition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t timestamp = -1;
    int64_t offset = -1;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("partition_index", &M::partition_index),
          field("error_code", &M::error_code),
          field("timestamp", &M::timestamp),
          field("offset", &M::offset),
      };
    }
  };

  struct Topic {
    std::string name;
    std::vector<Partition> partitions;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{field("name", &M::name), field("partitions", &M::partitions)};
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<Topic> topics;

  static constexpr auto fields() {
    using M = ListOffsetsResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(2),
        field("topics", &M::topics),
    };
  }
};

}  // namespace caudal::kafka
