// SaslAuthenticate (key 36), versions 0-1. v1 adds the session lifetime (Caudal sends 0: no
// re-authentication required).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "common/bytes.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct SaslAuthenticateRequest {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  static constexpr bool kIsRequest = true;

  ByteView auth_bytes;  // borrowed from the request frame

  static constexpr auto fields() {
    using schema::field;
    return std::tuple{field("auth_bytes", &SaslAuthenticateRequest::auth_bytes)};
  }
};

struct SaslAuthenticateResponse {
  static constexpr ApiKey kApiKey = ApiKey::kSaslAuthenticate;
  static constexpr bool kIsRequest = false;

  ErrorCode error_code = ErrorCode::kNone;
  std::optional<std::string> error_message;
  ByteView auth_bytes;
  int64_t session_lifetime_ms = 0;

  static constexpr auto fields() {
    using M = SaslAuthenticateResponse;
    using schema::field;
    return std::tuple{
        field("error_code", &M::error_code),
        field("error_message", &M::error_message).nullable(),
        field("auth_bytes", &M::auth_bytes),
        field("session_lifetime_ms", &M::session_lifetime_ms).since(1),
    };
  }
};

}  // namespace caudal::kafka
