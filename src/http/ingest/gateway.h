// Gateway: what the ingest APIs (native, Elasticsearch _bulk, Splunk HEC) share: the settings
// the composition root maps from caudal.yaml, the topic directory, topic creation off the
// event loops, appending a plan, and the ingest metrics.
//
// Lifecycle and threads: built by the composition root after the log is open; every method may
// be called from any thread. Destroy it after the event loops have stopped and before the log
// is closed: the destructor waits for topic creations under way.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include "common/clock.h"
#include "common/metrics/registry.h"
#include "common/result.h"
#include "http/ingest/append_plan.h"
#include "http/ingest/enrichment.h"
#include "http/ingest/index_map.h"
#include "http/ingest/topic_directory.h"
#include "log/log.h"

namespace caudal::http {

struct HecToken {
  std::string name;   // for logs; never the token itself
  std::string token;  // what senders put in `Authorization: Splunk <token>`
  std::string topic;  // for events that name no index
};

struct GatewaySettings {
  bool auto_create_topics = true;
  log::TopicSettings new_topic_settings;
  EnrichSettings default_enrich;
  std::map<std::string, EnrichSettings, std::less<>> topic_enrich;
  uint64_t max_body_bytes = 64ull << 20;  // decoded request bodies
  IndexMap bulk_indexes;                  // unlisted indexes go to the topic of that name
  std::vector<HecToken> hec_tokens;
  IndexMap hec_indexes;   // unlisted indexes are refused
  std::string host_name;  // for the caudal.host header
};

// The ingest APIs' counters, labelled by API (native, bulk, hec).
class IngestMetrics {
 public:
  explicit IngestMetrics(metrics::Registry& registry);
  void appended(std::string_view api, const std::string& topic, uint64_t events, uint64_t bytes);
  // A refused request (or _bulk item), by error code name (error_mapping.h: error_type()).
  void refused(std::string_view api, std::string_view code);

 private:
  metrics::Family<metrics::Counter>& events_;
  metrics::Family<metrics::Counter>& bytes_;
  metrics::Family<metrics::Counter>& errors_;
  const uint64_t id_;  // unique per instance, for the per-thread cache in appended()
};

class Gateway {
 public:
  Gateway(log::Log& log, GatewaySettings settings, metrics::Registry& registry,
          Clock& clock = SystemClock::instance());
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  const GatewaySettings& settings() const { return settings_; }
  Clock& clock() const { return clock_; }
  IngestMetrics& metrics() { return metrics_; }

  // The configured token equal to `token`, or null. Compares in constant time per token, so
  // response times do not tell how much of a guess was right.
  const HecToken* find_hec_token(std::string_view token) const;

  using Topics = std::map<std::string, Result<std::shared_ptr<const TopicInfo>>, std::less<>>;
  // Looks up every topic of `names` and runs `then` with each name's outcome (kUnknownTopic,
  // kInvalidTopicName, ...) on `executor`. Topics that must first be created (auto-create) are
  // created on the gateway's own thread, never on an event loop; when none is needed, `then`
  // runs before resolve() returns.
  void resolve(std::vector<std::string> names, const boost::asio::any_io_executor& executor,
               std::function<void(Topics)> then);

  // The same for one topic, in two steps so the native API's hot path neither allocates nor
  // defers: find_topic() answers at once from the directory; when must_create() says so,
  // create_topic() creates it off the loops and runs `then` on `executor` with the outcome.
  using TopicResult = Result<std::shared_ptr<const TopicInfo>>;
  TopicResult find_topic(std::string_view name) { return topics_.find(name); }
  bool must_create(const TopicResult& found) const;
  void create_topic(std::string name, const boost::asio::any_io_executor& executor,
                    std::function<void(const TopicResult&)> then);

  // Appends `plan` (AppendPlan::append) and runs `done` with its outcomes on `executor`, after
  // counting what was appended and forgetting topics whose partitions turned out closed.
  void append(std::shared_ptr<AppendPlan> plan, std::string_view api,
              const boost::asio::any_io_executor& executor,
              std::function<void(const AppendPlan&, AppendPlan::Outcomes)> done);

 private:
  GatewaySettings settings_;
  Clock& clock_;
  TopicDirectory topics_;
  IngestMetrics metrics_;
  boost::asio::thread_pool admin_{1};  // topic creation
};

}  // namespace caudal::http
