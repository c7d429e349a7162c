// Produce (key 0), versions 3-7. v3 is the first to carry record batch v2 (magic 2), v7 the
// first that lets a client use zstd; the layout is the same from v3 to v7.
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

struct ProduceRequest {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  static constexpr bool kIsRequest = true;

  struct Partition {
    int32_t partition_index = 0;
    // The record batches exactly as the client sent them, borrowed from the request frame.
    std::optional<ByteView> records;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("partition_index", &M::partition_index),
          field("records", &M::records).nullable(),
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

  std::optional<std::string> transactional_id;
  int16_t acks = -1;
  int32_t timeout_ms = 0;
  std::vector<Topic> topics;

  static constexpr auto fields() {
    using M = ProduceRequest;
    using schema::field;
    return std::tuple{
        field("transactional_id", &M::transactional_id).nullable(),
        field("acks", &M::acks),
        field("timeout_ms", &M::timeout_ms),
        field("topics", &M::topics),
    };
  }
};

struct ProduceResponse {
  static constexpr ApiKey kApiKey = ApiKey::kProduce;
  static constexpr bool kIsRequest = false;

  struct Partition {
    int32_t partition_index = 0;
    ErrorCode error_code = ErrorCode::kNone;
    int64_t base_offset = -1;
    int64_t log_append_time_ms = -1;
    int64_t log_start_offset = -1;

    static constexpr auto fields() {
      using M = Partition;
      using schema::field;
      return std::tuple{
          field("partition_index", &M::partition_index),
          field("error_code", &M::error_code),
          field("base_offset", &M::base_offset),
          field("log_append_time_ms", &M::log_append_time_ms),
          field("log_start_offset", &M::log_start_offset).since(5),
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

  std::vector<Topic> responses;
  int32_t throttle_time_ms = 0;

  static constexpr auto fields() {
    using M = ProduceResponse;
    using schema::field;
    // throttle_time_ms comes last in Produce, first in most other responses.
    return std::tuple{
        field("responses", &M::responses),
        field("throttle_time_ms", &M::throttle_time_ms),
    };
  }
};

}  // namespace caudal::kafka
