// InitProducerId (key 22), versions 0-1: how an idempotent producer gets its producer id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct InitProducerIdRequest {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  static constexpr bool kIsRequest = true;

  std::optional<std::string>
      transactional_id;  // null for an idempotent, non-transactional producer
  int32_t transaction_timeout_ms = 0;

  static constexpr auto fields() {
    using M = InitProducerIdRequest;
    using schema::field;
    return std::tuple{
        field("transactional_id", &M::transactional_id).nullable(),
        field("transaction_timeout_ms", &M::transaction_timeout_ms),
    };
  }
};

struct InitProducerIdResponse {
  static constexpr ApiKey kApiKey = ApiKey::kInitProducerId;
  static constexpr bool kIsRequest = false;

  int32_t throttle_time_ms = 0;
  ErrorCode error_code = ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = 0;

  static constexpr auto fields() {
    using M = InitProducerIdResponse;
    using schema::field;
    return std::tuple{
        field("throttle_time_ms", &M::throttle_time_ms),
        field("error_code", &M::error_code),
        field("producer_id", &M::producer_id),
        field("producer_epoch", &M::producer_epoch),
    };
  }
};

}  // namespace caudal::kafka
