// Fetch (key 1), versions 4-11. v4 adds isolation level, last stable offset and aborted
// transactions; v5 log start offsets; v7 fetch sessions; v9 the current leader epoch; v11 the
// rack id (request) and the preferred read replica (response).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/bytes.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct FetchRequest {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  static constexpr bool kIsRequest = true;

  struct Partition {
    int32_t partition = 0;
    int32_t current_leader_epoch = -1;
    int64_t fetch_offset = 0;
    int64_t log_start_offset = -1;  // only followers set it
    int32_t partition_max_bytes = 0;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("partition", &M::partition),
          field("current_leader_epoch", &M::current_leader_epoch).since(9),
          field("fetch_offset", &M::fetch_offset),
          field("log_start_offset", &M::log_start_offset).since(5),
          field("partition_max_bytes", &M::partition_max_bytes),
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

  struct ForgottenTopic {
    std::string topic;
    std::vector<int32_t> partitions;

    static constexpr auto fields() {
      using M = ForgottenTopic;
      using schema::field;
      return std::tuple{field("topic", &M::topic), field("partitions", &M::partitions)};
    }
  };

  int32_t replica_id = -1;
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = std::numeric_limits<int32_t>::max();
  int8_t isolation_level = 0;  // 0 read_uncommitted, 1 read_committed
  int32_t session_id = 0;
  int32_t session_epoch = -1;
  std::vector<Topic> topics;
  std::vector<ForgottenTopic> forgotten_topics_data;
  std::string rack_id;

  static constexpr auto fields() {
    using M = FetchRequest;
    using schema::field;
    return std::tuple{
        field("replica_id", &M::replica_id),
        field("max_wait_ms", &M::max_wait_ms),
        field("min_bytes", &M::min_bytes),
        field("max_bytes", &M::max_bytes),
        field("isolation_level", &M::isolation_level),
        field("session_id", &M::session_id).since(7),
        field("session_epoch", &M::session_epoch).since(7),
        field("topics", &M::topics),
        field("forgotten_topics_data", &M::forgotten_topics_data).since(7),
        field("rack_id", &M::rack_id).since(11),
    };
  }
};

struct FetchResponse {
  static constexpr ApiKey kApiKey = ApiKey::kFetch;
  static constexpr bool kIsRequest = false;

  struct AbortedTransaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;

    static constexpr auto fields() {
      using M = AbortedTransaction;
      using schema::field;
      return std::tuple{field("producer_id", &M::producer_id),
                        field("first_offset", &M::first_offset)};
    }
  };

  struct Partition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t high_watermark = 0;
    int64_t last_stable_offset = -1;
    int64_t log_start_offset = -1;
    std::optional<std::vector<AbortedTransaction>> aborted_transactions =
        std::vector<AbortedTransaction>{};
    int32_t preferred_read_replica = -1;
    // Stored record batches, sent as they are. The default is present and empty on purpose:
    // librdkafka rejects a null record set (size -1), so Caudal never sends one.
    std::optional<ByteView> records = ByteView{};

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("partition_index", &M::partition_index),
          field("error_code", &M::error_code),
          field("high_watermark", &M::high_watermark),
          field("last_stable_offset", &M::last_stable_offset),
          field("log_start_offset", &M::log_start_offset).since(5),
          field("aborted_transactions", &M::aborted_transactions).nullable(),
          field("preferred_read_replica", &M::preferred_read_replica).since(11),
          field("records", &M::records).nullable(),
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
  ErrorCode error_code = ErrorCode::kNone;
  int32_t session_id = 0;
  std::vector<Topic> responses;

  static constexpr auto fields() {
    using M = FetchResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms),
        field("error_code", &M::error_code).since(7),
        field("session_id", &M::session_id).since(7),
        field("responses", &M::responses),
    };
  }
};

}  // namespace caudal::kafka
