// A listening address as written in caudal.yaml: `host:port`, with IPv6 hosts in brackets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace caudal::config {

struct Endpoint {
  std::string host;   // a name, an IPv4 address, or an IPv6 address without brackets
  uint16_t port = 0;  // 0: the system picks a free port (tests)

  // "host:port", or "[host]:port" when the host is an IPv6 address.
  std::string to_string() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Reads `127.0.0.1:8080`, `localhost:9092`, `[::1]:9092`. Fails with kInvalid and a message
// saying what was expected (not what was found; see units.h for why).
Result<Endpoint> parse_endpoint(std::string_view text);

}  // namespace caudal::config
