// Metadata the gateway adds to events as Kafka record headers, per topic (topics.<t>.enrich;
// docs/http-api.md §Enrichment):
//   caudal.received_at     when the request arrived, RFC 3339 UTC with milliseconds
//   caudal.event_id        a UUIDv7 (time-ordered, 74 random bits), unique per event
//   caudal.client_address  the IP address of the connection
//   caudal.host            the host name of the machine Caudal runs on
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "log/record.h"

namespace caudal::http {

struct EnrichSettings {
  bool received_at = false;
  bool event_id = false;
  bool client_address = false;
  bool host = false;

  bool any() const { return received_at || event_id || client_address || host; }
};

inline constexpr std::string_view kReceivedAtHeader = "caudal.received_at";
inline constexpr std::string_view kEventIdHeader = "caudal.event_id";
inline constexpr std::string_view kClientAddressHeader = "caudal.client_address";
inline constexpr std::string_view kHostHeader = "caudal.host";

// "2024-05-01T12:34:56.789Z".
std::string format_rfc3339_millis(std::chrono::system_clock::time_point time);

// A UUIDv7 (RFC 9562) for `unix_ms`, its random bits from a per-thread generator, in the
// 8-4-4-4-12 lower-case hex form.
std::array<char, 36> make_uuid_v7(int64_t unix_ms);

// The enrichment headers of one request's events: what all events share is formatted once,
// when first needed, the event id anew for each event. One per request, used on one thread.
// `client_address` and `host` are borrowed: they must outlive every headers() call.
class Enricher {
 public:
  Enricher(std::chrono::system_clock::time_point received, std::string_view client_address,
           std::string_view host);

  // The headers `settings` asks for, followed by `extra`; valid until the next call.
  std::span<const log::RecordHeader> headers(const EnrichSettings& settings,
                                             std::span<const log::RecordHeader> extra);

 private:
  std::chrono::system_clock::time_point received_;
  int64_t received_ms_;
  std::string received_at_;  // formatted on first use
  std::string_view client_address_;
  std::string_view host_;
  std::array<char, 36> event_id_{};
  std::vector<log::RecordHeader> headers_;
};

}  // namespace caudal::http
