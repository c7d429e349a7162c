#include "http/ingest/enrichment.h"

#include <ctime>
#include <random>

#include <fmt/format.h>

#include "common/bytes.h"

namespace caudal::http {
namespace {

// xoshiro256** (Blackman and Vigna): fast, with 256 bits of state seeded from the OS, which is
// plenty for ids that must not collide but need not be unpredictable.
class IdRandom {
 public:
  IdRandom() {
    std::random_device device;
    for (uint64_t& word : state_) word = (uint64_t{device()} << 32) | device();
  }
  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace

std::string format_rfc3339_millis(std::chrono::system_clock::time_point time) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const int64_t millis = ((ms % 1000) + 1000) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

std::array<char, 36> make_uuid_v7(int64_t unix_ms) {
  thread_local IdRandom random;
  uint8_t bytes[16];
  const uint64_t ms = static_cast<uint64_t>(unix_ms) & 0xFFFFFFFFFFFFull;
  const uint64_t a = random.next();
  const uint64_t b = random.next();
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  bytes[6] = static_cast<uint8_t>(0x70 | ((a >> 8) & 0x0F));  // version 7, rand_a
  bytes[7] = static_cast<uint8_t>(a);
  bytes[8] = static_cast<uint8_t>(0x80 | ((b >> 56) & 0x3F));  // variant 10, rand_b
  for (int i = 9; i < 16; ++i) bytes[i] = static_cast<uint8_t>(b >> (8 * (15 - i)));
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 36> text{};
  size_t out = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text[out++] = '-';
    text[out++] = kHex[bytes[i] >> 4];
    text[out++] = kHex[bytes[i] & 0x0F];
  }
  return text;
}

Enricher::Enricher(std::chrono::system_clock::time_point received, std::string_view client_address,
                   std::string_view host)
    : received_(received),
      received_ms_(
          std::chrono::duration_cast<std::chrono::milliseconds>(received.time_since_epoch())
              .count()),
      client_address_(client_address),
      host_(host) {}

std::span<const log::RecordHeader> Enricher::headers(const EnrichSettings& settings,
                                                     std::span<const log::RecordHeader> extra) {
  headers_.clear();
  if (settings.received_at) {
    if (received_at_.empty()) received_at_ = format_rfc3339_millis(received_);
    headers_.push_back({kReceivedAtHeader, as_bytes(received_at_)});
  }
  if (settings.event_id) {
    event_id_ = make_uuid_v7(received_ms_);
    headers_.push_back(
        {kEventIdHeader, as_bytes(std::string_view(event_id_.data(), event_id_.size()))});
  }
  if (settings.client_address) {
    headers_.push_back({kClientAddressHeader, as_bytes(client_address_)});
  }
  if (settings.host) headers_.push_back({kHostHeader, as_bytes(host_)});
  headers_.insert(headers_.end(), extra.begin(), extra.end());
  return headers_;
}

}  // namespace caudal::http
