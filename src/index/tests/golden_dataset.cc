#include "golden_dataset.h"

#include <cstdint>

#include <fmt/format.h>

#include "index/date.h"

namespace caudal::index::golden {
namespace {

class Lcg {
 public:
  explicit Lcg(uint64_t seed) : state_(seed) {}
  uint32_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state_ >> 33);
  }
  uint32_t below(uint32_t n) { return next() % n; }
  template <typename T, size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  uint64_t state_;
};

const int64_t kStart = *parse_iso_date("2024-03-01T00:00:00Z");

const char* const kHosts[] = {"web-01", "web-02", "web-03", "web-04", "web-05"};
const char* const kMethods[] = {"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE"};
const char* const kPaths[] = {"/api/orders", "/api/orders/42", "/api/users",     "/api/cart",
                              "/checkout",   "/login",         "/static/app.js", "/health"};
const int kStatuses[] = {200, 200, 200, 200, 200, 200, 201, 301, 404, 404, 500, 503};
const char* const kAgents[] = {"curl/8.4.0", "Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0",
                               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2) Safari/604.1",
                               "python-requests/2.31"};
const char* const kCountries[] = {"US", "US", "DE", "FR", "ES", "BR", "JP"};
const char* const kTags[] = {"api", "static", "slow", "cached", "auth"};
const char* const kStates[] = {"CA", "TX", "NY", "FL", "WA", "IL", "CO", "OR"};
const char* const kUsers[] = {"ana", "ben", "carla", "dmitri", "eve", "farid", "gus", "hana"};
const char* const kWords[] = {"love",  "hate",  "new",    "myProduct", "launch",
                              "today", "great", "broken", "support",   "shipping",
                              "fast",  "slow",  "price",  "deal"};
const char* const kTopics[] = {"election", "weather", "sports", "markets", "myProduct"};

std::string message_of(Lcg& rng, size_t words) {
  std::string text;
  for (size_t i = 0; i < words; ++i) {
    if (i > 0) text += ' ';
    text += rng.pick(kWords);
  }
  return text;
}

}  // namespace

std::vector<GoldenDoc> web_logs() {
  Lcg rng(20240301);
  std::vector<GoldenDoc> docs;
  for (int i = 0; i < 3000; ++i) {
    const int64_t ts = kStart + int64_t{i} * 37'000;
    const std::string method = rng.pick(kMethods);
    const std::string path = rng.pick(kPaths);
    const int status = rng.pick(kStatuses);
    const int64_t bytes = 200 + rng.below(50'000);
    const double ms = static_cast<double>(rng.below(200'000)) / 100.0;
    std::string tags;
    for (const char* tag : kTags) {
      if (rng.below(4) == 0) tags += fmt::format("{}\"{}\"", tags.empty() ? "" : ",", tag);
    }
    const std::string message =
        status >= 500 ? fmt::format("{} {} failed with {}: upstream timeout", method, path, status)
                      : fmt::format("{} {} {} in {}ms", method, path, status, static_cast<int>(ms));
    docs.push_back(GoldenDoc{
        std::nullopt,
        fmt::format(R"({{"@timestamp":"{}","host":"{}","method":"{}","path":"{}","status":{},)"
                    R"("bytes":{},"response_ms":{},"user_agent":"{}","message":"{}","tags":[{}],)"
                    R"("client":{{"ip":"10.0.{}.{}","country":"{}"}},"secure":{}}})",
                    format_iso_date(ts), rng.pick(kHosts), method, path, status, bytes, ms + 0.25,
                    rng.pick(kAgents), message, tags, rng.below(4), rng.below(250),
                    rng.pick(kCountries), rng.below(3) != 0 ? "true" : "false")});
  }
  return docs;
}

std::vector<GoldenDoc> tweets() {
  Lcg rng(42);
  std::vector<GoldenDoc> docs;
  for (int i = 0; i < 600; ++i) {
    const int64_t ts = kStart + int64_t{i} * 300'000;
    std::optional<std::string> id;
    if (i % 10 == 0) id = fmt::format("tw-{}", i / 10);
    // Every 100th document replaces an earlier tweet's _id (an edit).
    if (i % 100 == 55) id = fmt::format("tw-{}", i / 100);
    docs.push_back(GoldenDoc{
        id,
        fmt::format(R"({{"@timestamp":"{}","user":"{}","state":"{}","message":"{}",)"
                    R"("retweets":{},"verified":{},"hashtags":["{}","{}"]}})",
                    format_iso_date(ts), rng.pick(kUsers), rng.pick(kStates),
                    message_of(rng, 3 + rng.below(6)), rng.below(1000),
                    rng.below(5) == 0 ? "true" : "false", rng.pick(kTopics), rng.pick(kTopics))});
  }
  return docs;
}

std::vector<GoldenDoc> news() {
  Lcg rng(7);
  std::vector<GoldenDoc> docs;
  for (int i = 0; i < 150; ++i) {
    const int64_t ts = kStart + int64_t{i} * 1'200'000;
    docs.push_back(GoldenDoc{
        std::nullopt,
        fmt::format(R"({{"@timestamp":"{}","state":"{}","message":"{} {}","section":"{}"}})",
                    format_iso_date(ts), rng.pick(kStates), rng.pick(kTopics), message_of(rng, 4),
                    rng.pick(kTopics))});
  }
  return docs;
}

}  // namespace caudal::index::golden
