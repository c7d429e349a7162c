// Metadata (key 3), versions 0-6.
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

struct MetadataRequest {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  static constexpr bool kIsRequest = true;

  struct Topic {
    std::string name;

    static constexpr auto fields() {
      using schema::field;
      return std::tuple{field("name", &Topic::name)};
    }
  };

  // Which topics the client asks about. v0: an empty list means every topic (v0 cannot send
  // null). v1+: null means every topic and an empty list means none.
  std::optional<std::vector<Topic>> topics = std::vector<Topic>{};
  bool allow_auto_topic_creation = true;

  static constexpr auto fields() {
    using M = MetadataRequest;
    using schema::field;
    return std::tuple{
        field("topics", &M::topics).nullable_since(1),
        field("allow_auto_topic_creation", &M::allow_auto_topic_creation).since(4),
    };
  }
};

struct MetadataResponse {
  static constexpr ApiKey kApiKey = ApiKey::kMetadata;
  static constexpr bool kIsRequest = false;

  struct Broker {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;

    static constexpr auto fields() {
      using M = Broker;
      using schema::field;
      return std::tuple{
          field("node_id", &M::node_id),
          field("host", &M::host),
          field("port", &M::port),
          field("rack", &M::rack).since(1).nullable(),
      };
    }
  };

  struct Partition {
    ErrorCode error_code = ErrorCode::kNone;
    int32_t partition_index = 0;
    int32_t leader_id = 0;
    std::vector<int32_t> replica_nodes;
    std::vector<int32_t> isr_nodes;
    std::vector<int32_t> offline_replicas;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("error_code", &M::error_code),
          field("partition_index", &M::partition_index),
          field("leader_id", &M::leader_id),
          field("replica_nodes", &M::replica_nodes),
          field("isr_nodes", &M::isr_nodes),
          field("offline_replicas", &M::offline_replicas).since(5),
      };
    }
  };

  struct Topic {
    ErrorCode error_code = ErrorCode::kNone;
    std::string name;
    bool is_internal = false;
    std::vector<Partition> partitions;

    static constexpr auto fields() {
      using M = Topic;
      using schema::field;
      return std::tuple{
          field("error_code", &M::error_code),
          field("name", &M::name),
          field("is_internal", &M::is_internal).since(1),
          field("partitions", &M::partitions),
      };
    }
  };

  int32_t throttle_time_ms = 0;
  std::vector<Broker> brokers;
  std::optional<std::string> cluster_id;
  int32_t controller_id = -1;
  std::vector<Topic> topics;

  static constexpr auto fields() {
    using M = MetadataResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms).since(3),
        field("brokers", &M::brokers),
        field("cluster_id", &M::cluster_id).since(2).nullable(),
        field("controller_id", &M::controller_id).since(1),
        field("topics", &M::topics),
    };
  }
};

}  // namespace caudal::kafka
