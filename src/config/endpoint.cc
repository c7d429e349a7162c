#include "config/endpoint.h"

#include <fmt/format.h>

#include "config/errc.h"

namespace caudal::config {
namespace {

constexpr std::string_view kExpected = "expected host:port such as 127.0.0.1:8080 or [::1]:8080";
constexpr std::string_view kExpectedPort = "expected a port from 0 to 65535 after the host";

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Host names and IPv4 addresses: letters, digits, '-', '.', '_' (seen in container names).
bool is_host_name(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    const bool ok = is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                    c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The shape of an IPv6 address (hex groups, colons, an IPv4 tail); inet_pton has the last word
// when the listener binds.
bool is_ipv6_shape(std::string_view host) {
  if (host.find(':') == std::string_view::npos) return false;
  for (char c : host) {
    if (!is_hex(c) && c != ':' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::string Endpoint::to_string() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<Endpoint> parse_endpoint(std::string_view text) {
  Endpoint out;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || text.substr(close + 1, 1) != ":" ||
        !is_ipv6_shape(text.substr(1, close - 1))) {
      return Status(Errc::kInvalid, std::string(kExpected));
    }
    out.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return Status(Errc::kInvalid, std::string(kExpected));
    const std::string_view host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      return Status(Errc::kInvalid, "expected an IPv6 address in brackets, such as [::1]:8080");
    }
    if (!is_host_name(host)) return Status(Errc::kInvalid, std::string(kExpected));
    out.host = host;
    port_text = text.substr(colon + 1);
  }
  const Status bad_port(Errc::kInvalid, std::string(kExpectedPort));
  if (port_text.empty() || port_text.size() > 5) return bad_port;
  uint32_t port = 0;
  for (char c : port_text) {
    if (!is_digit(c)) return bad_port;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) return bad_port;
  out.port = static_cast<uint16_t>(port);
  return out;
}

}  // namespace caudal::config
