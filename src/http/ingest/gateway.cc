#include "http/ingest/gateway.h"

#include <algorithm>
#include <atomic>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "log/errc.h"

namespace caudal::http {
namespace {

TopicDirectoryOptions directory_options(log::Log& log, const GatewaySettings& settings) {
  TopicDirectoryOptions options;
  options.log = &log;
  options.auto_create = settings.auto_create_topics;
  options.new_topic_settings = settings.new_topic_settings;
  options.default_enrich = settings.default_enrich;
  options.enrich = settings.topic_enrich;
  return options;
}

// IngestMetrics instances are told apart by number, not address: a new one may reuse a
// destroyed one's address while a thread still remembers the old one's instruments.
std::atomic<uint64_t> next_metrics_id{1};

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

IngestMetrics::IngestMetrics(metrics::Registry& registry)
    : events_(registry.counter("caudal_http_ingest_events_total",
                               "Events appended to topics over HTTP, by API and topic",
                               {"api", "topic"})),
      bytes_(registry.counter("caudal_http_ingest_bytes_total",
                              "Bytes of event keys and values appended over HTTP, by API and "
                              "topic",
                              {"api", "topic"})),
      errors_(registry.counter("caudal_http_ingest_errors_total",
                               "Ingest requests (and _bulk items) refused, by API and error code",
                               {"api", "code"})),
      id_(next_metrics_id.fetch_add(1, std::memory_order_relaxed)) {}

void IngestMetrics::appended(std::string_view api, const std::string& topic, uint64_t events,
                             uint64_t bytes) {
  // A loop mostly appends for the API and topic it appended for last: its instruments are
  // remembered per thread, which skips the families' shared lock and label lookup.
  struct Last {
    uint64_t owner = 0;
    std::string api;
    std::string topic;
    metrics::Counter* events = nullptr;
    metrics::Counter* bytes = nullptr;
  };
  thread_local Last last;
  if (last.owner != id_ || last.api != api || last.topic != topic) {
    last.owner = id_;
    last.api = api;
    last.topic = topic;
    last.events = &events_.with({last.api, topic});
    last.bytes = &bytes_.with({last.api, topic});
  }
  last.events->inc(events);
  last.bytes->inc(bytes);
}

void IngestMetrics::refused(std::string_view api, std::string_view code) {
  errors_.with({std::string(api), std::string(code)}).inc();
}

Gateway::Gateway(log::Log& log, GatewaySettings settings, metrics::Registry& registry, Clock& clock)
    : settings_(std::move(settings)),
      clock_(clock),
      topics_(directory_options(log, settings_)),
      metrics_(registry) {}

Gateway::~Gateway() {
  admin_.join();
}

const HecToken* Gateway::find_hec_token(std::string_view token) const {
  const HecToken* found = nullptr;
  for (const HecToken& candidate : settings_.hec_tokens) {
    if (constant_time_equal(candidate.token, token)) found = &candidate;
  }
  return found;
}

void Gateway::resolve(std::vector<std::string> names, const boost::asio::any_io_executor& executor,
                      std::function<void(Topics)> then) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  Topics topics;
  std::vector<std::string> missing;
  for (std::string& name : names) {
    TopicResult found = topics_.find(name);
    if (must_create(found)) {
      missing.push_back(std::move(name));
    } else {
      topics.emplace(std::move(name), std::move(found));
    }
  }
  if (missing.empty()) return then(std::move(topics));
  boost::asio::post(admin_, [this, missing = std::move(missing), topics = std::move(topics),
                             executor, then = std::move(then)]() mutable {
    for (const std::string& name : missing) topics.emplace(name, topics_.find_or_create(name));
    boost::asio::dispatch(executor, [then = std::move(then), topics = std::move(topics)]() mutable {
      then(std::move(topics));
    });
  });
}

bool Gateway::must_create(const TopicResult& found) const {
  return !found.ok() && found.status().code() == log::Errc::kUnknownTopic && topics_.auto_create();
}

void Gateway::create_topic(std::string name, const boost::asio::any_io_executor& executor,
                           std::function<void(const TopicResult&)> then) {
  boost::asio::post(admin_, [this, name = std::move(name), executor,
                             then = std::move(then)]() mutable {
    TopicResult created = topics_.find_or_create(name);
    boost::asio::dispatch(executor,
                          [then = std::move(then), created = std::move(created)]() mutable {
                            then(created);
                          });
  });
}

void Gateway::append(std::shared_ptr<AppendPlan> plan, std::string_view api,
                     const boost::asio::any_io_executor& executor,
                     std::function<void(const AppendPlan&, AppendPlan::Outcomes)> done) {
  AppendPlan& target = *plan;
  target.append(executor, [this, plan = std::move(plan), api = std::string(api),
                           done = std::move(done)](AppendPlan::Outcomes outcomes) {
    for (size_t i = 0; i < outcomes.size(); ++i) {
      const AppendPlan::Batch& batch = plan->batches()[i];
      if (outcomes[i].ok()) {
        metrics_.appended(api, batch.topic->name, batch.records, batch.bytes);
      } else if (outcomes[i].status().code() == log::Errc::kClosed) {
        topics_.forget(batch.topic->name);
      }
    }
    done(*plan, std::move(outcomes));
  });
}

}  // namespace caudal::http
