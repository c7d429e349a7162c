// SaslHandshake (key 17), versions 0-1, same layout. After v0 the SASL tokens travel as raw
// size-prefixed frames (kafka-python); after v1 inside SaslAuthenticate requests.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct SaslHandshakeRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  static constexpr bool kIsRequest = true;

  std::string mechanism;

  static constexpr auto fields() {
    using schema::field;
    return std::tuple{field("mechanism", &SaslHandshakeRequest::mechanism)};
  }
};

struct SaslHandshakeResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSaslHandshake;
  static constexpr bool kIsRequest = false;

  ErrorCode error_code = ErrorCode::kNone;
  std::vector<std::string> mechanisms;  // the enabled ones

  static constexpr auto fields() {
    using M = SaslHandshakeResponse;
    using schema::field;
    return std::tuple{field("error_code", &M::error_code), field("mechanisms", &M::mechanisms)};
  }
};

}  // namespace caudal::kafka
