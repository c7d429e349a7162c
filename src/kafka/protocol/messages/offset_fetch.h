// OffsetFetch (key 9), versions 1-5. v2 allows null topics (every committed partition) and adds
// the top-level error code; v5 adds the committed leader epoch.
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

struct OffsetFetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  static constexpr bool kIsRequest = true;

  struct Topic {
    std::string name;
    std::vector<int32_t> partition_indexes;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{field("name", &M::name), field("partition_indexes", &M::partition_indexes)};
    }
  };

  std::string group_id;
  // v2+: null asks for every partition the group has committed.
  std::optional<std::vector<Topic>> topics = std::vector<Topic>{};

  static constexpr auto fields() {
    using M = OffsetFetchRequest;
    using schema::field;
    return std::tuple{
        field("group_id", &M::group_id),
        field("topics", &M::topics).nullable_since(2),
    };
  }
};

struct OffsetFetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetFetch;
  static constexpr bool kIsRequest = false;

  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = -1;  // -1 with no error: nothing committed yet
    int32_t committed_leader_epoch = -1;
    std::optional<std::string> metadata;
    ErrorCode error_code = ErrorCode::kNone;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("partition_index", &M::partition_index),
          field("committed_offset", &M::committed_offset),
          field("committed_leader_epoch", &M::committed_leader_epoch).since(5),
          field("metadata", &M::metadata).nullable(),
          field("error_code", &M::error_code),
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
  ErrorCode error_code = ErrorCode::kNone;

  static constexpr auto fields() {
    using M = OffsetFetchResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(3),
        field("topics", &M::topics),
        field("error_code", &M::error_code).since(2),
    };
  }
};

}  // namespace caudal::kafka
