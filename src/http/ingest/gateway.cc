#include "http/ingest/gateway.h"

#include <algorithm>

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
                               {"api", "code"})) {}

void IngestMetrics::appended(std::string_view api, const std::string& topic, uint64_t events,
                             uint64_t bytes) {
  events_.with({std::string(api), topic}).inc(events);
  bytes_.with({std::string(api), topic}).inc(bytes);
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
    Result<std::shared_ptr<const TopicInfo>> found = topics_.find(name);
    if (!found.ok() && found.status().code() == log::Errc::kUnknownTopic && topics_.auto_create()) {
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

void Gateway::resolve(const std::string& name, const boost::asio::any_io_executor& executor,
                      std::function<void(TopicResult)> then) {
  TopicResult found = topics_.find(name);
  if (found.ok() || found.status().code() != log::Errc::kUnknownTopic || !topics_.auto_create()) {
    return then(std::move(found));
  }
  boost::asio::post(admin_, [this, name, executor, then = std::move(then)]() mutable {
    TopicResult created = topics_.find_or_create(name);
    boost::asio::dispatch(executor,
                          [then = std::move(then), created = std::move(created)]() mutable {
                            then(std::move(created));
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
