// ApiVersions (key 18), versions 0-3. v3 is flexible in its body, but its response header stays
// v0 (api_table.h). The response's tagged fields (supported and finalized features) are not
// described: Caudal sends none and skips any it receives.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct ApiVersionsRequest {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  static constexpr bool kIsRequest = true;

  std::string client_software_name;
  std::string client_software_version;

  static constexpr auto fields() {
    using M = ApiVersionsRequest;
    using schema::field;
    return std::tuple{
        field("client_software_name", &M::client_software_name).since(3),
        field("client_software_version", &M::client_software_version).since(3),
    };
  }
};

struct ApiVersionsResponse {
  static constexpr ApiKey kApiKey = ApiKey::kApiVersions;
  static constexpr bool kIsRequest = false;

  struct ApiVersion {
    int16_t api_key = 0;
    int16_t min_version = 0;
    int16_t max_version = 0;

    static constexpr auto fields() {
      using M = ApiVersion;
      using schema::field;
      return std::tuple{
          field("api_key", &M::api_key),
          field("min_version", &M::min_version),
          field("max_version", &M::max_version),
      };
    }
  };

  ErrorCode error_code = ErrorCode::kNone;
  std::vector<ApiVersion> api_keys;
  int32_t throttle_time_ms = 0;

  static constexpr auto fields() {
    using M = ApiVersionsResponse;
    using schema::field;
    // throttle_time_ms comes after the array, unlike in most responses.
    return std::tuple{
        field("error_code", &M::error_code),
        field("api_keys", &M::api_keys),
        field("throttle_time_ms", &M::throttle_time_ms).since(1),
    };
  }
};

}  // namespace caudal::kafka
