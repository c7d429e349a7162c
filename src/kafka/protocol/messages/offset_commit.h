// OffsetCommit (key 8), versions 1-7. v1 alone has a per-partition commit timestamp; v2-v4
// carry a group-wide retention time (v5 removed it); v6 adds the leader epoch, v7
// group_instance_id.
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

struct OffsetCommitRequest {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  static constexpr bool kIsRequest = true;

  struct Partition {
    int32_t partition_index = 0;
    int64_t committed_offset = 0;
    int32_t committed_leader_epoch = -1;
    int64_t commit_timestamp = -1;
    std::optional<std::string> committed_metadata;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("partition_index", &M::partition_index),
          field("committed_offset", &M::committed_offset),
          field("committed_leader_epoch", &M::committed_leader_epoch).since(6),
          field("commit_timestamp", &M::commit_timestamp).until(1),
          field("committed_metadata", &M::committed_metadata).nullable(),
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

  std::string group_id;
  // -1 with an empty member id: a simple consumer (assign()) committing outside any group.
  int32_t generation_id = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int64_t retention_time_ms = -1;  // -1: the broker's default retention
  std::vector<Topic> topics;

  static constexpr auto fields() {
    using M = OffsetCommitRequest;
    using schema::field;
    return std::tuple{
        field("group_id", &M::group_id),
        field("generation_id", &M::generation_id),
        field("member_id", &M::member_id),
        field("group_instance_id", &M::group_instance_id).since(7).nullable(),
        field("retention_time_ms", &M::retention_time_ms).since(2).until(4),
        field("topics", &M::topics),
    };
  }
};

struct OffsetCommitResponse {
  static constexpr ApiKey kApiKey = ApiKey::kOffsetCommit;
  static constexpr bool kIsRequest = false;

  struct Partition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{field("partition_index", &M::partition_index),
                        field("error_code", &M::error_code)};
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
    using M = OffsetCommitResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(3),
        field("topics", &M::topics),
    };
  }
};

}  // namespace caudal::kafka
