#include "server/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errc.h"
#include "http/routes.h"
#include "log/log.h"
#include "http/server.h"
#include "server/data_dir.h"
#include "server/event_loops.h"
#include "server/topic_settings_mapping.h"

namespace caudal::server {
namespace {
// Below this much free space the process reports not ready, so a load balancer sends traffic
// elsewhere before appends start failing.
constexpr uint64_t kMinFreeBytes = 64ull << 20;

// Creates the topics the configuration names that the log does not have yet. A topic that
// exists with other settings keeps its stored ones (the log has no alter operation yet); the
// difference is logged so it is never silent.
Status declare_topics(const config::Config& config, log::Log& log) {
  for (const auto& [name, topic] : config.topics) {
    log::TopicSettings wanted = to_log_settings(topic);
    auto existing = log.describe_topic(name);
    if (existing.ok()) {
      if (!(existing->settings == wanted)) {
        spdlog::warn("topic {} exists with other settings than the configuration's; the stored "
                     "settings apply (stored: {} partitions, flush {}; configured: {} "
                     "partitions, flush {})",
                     name, existing->settings.partitions, existing->settings.flush.to_string(),
                     wanted.partitions, wanted.flush.to_string());
      }
      continue;
    }
    CAUDAL_RETURN_IF_ERROR(log.create_topic(name, wanted).with_context("creating topic " + name));
    spdlog::info("created topic {} with {} partition(s)", name, wanted.partitions);
  }
  return Status();
}

}  // namespace

struct Server::Parts {
  std::unique_ptr<DataDir> data_dir;
  std::unique_ptr<log::Log> log;
  std::unique_ptr<EventLoops> loops;
  std::unique_ptr<http::HttpServer> http;
  std::vector<ListenerInfo> listeners;
};

Result<std::unique_ptr<Server>> Server::start(const config::Config& config,
                                              metrics::Registry& registry) {
  // Refuse listeners this build cannot serve rather than ignore them: a client configured
  // against an address that nothing listens on is harder to diagnose than a refusal.
  if (config.listen.kafka) {
    return Status(Errc::kInvalidArgument,
                  "listen.kafka: the Kafka listener is not part of this version of Caudal");
  }
  if (config.listen.elasticsearch) {
    return Status(Errc::kInvalidArgument,
                  "listen.elasticsearch: the Elasticsearch API is not part of this version");
  }
  auto parts = std::make_unique<Parts>();
  CAUDAL_ASSIGN_OR_RETURN(parts->data_dir, DataDir::open(config.data_dir));
  spdlog::info("data directory {}", config.data_dir.string());

  log::LogOptions log_options;
  log_options.data_dir = config.data_dir;
  log_options.metrics = &registry;
  CAUDAL_ASSIGN_OR_RETURN(parts->log, log::Log::open(log_options));
  for (const auto& note : parts->log->recovery_notes()) spdlog::warn("recovery: {}", note);
  CAUDAL_RETURN_IF_ERROR(declare_topics(config, *parts->log));

  parts->loops = std::make_unique<EventLoops>(0);

  if (config.listen.http) {
    http::RouteContext context;
    context.registry = &registry;
    const DataDir* data_dir = parts->data_dir.get();
    context.readiness_problems = [data_dir] {
      std::vector<std::string> problems;
      auto free = data_dir->free_bytes();
      if (!free.ok()) {
        problems.push_back(free.status().message());
      } else if (*free < kMinFreeBytes) {
        problems.push_back(fmt::format("only {} bytes free on the data directory's disk", *free));
      }
      return problems;
    };
    http::ServerOptions options;
    options.host = config.listen.http->host;
    options.port = config.listen.http->port;
    CAUDAL_ASSIGN_OR_RETURN(
        parts->http,
        http::HttpServer::start(options, parts->loops->loops(),
                                std::make_shared<const http::Router>(http::build_routes(context)),
                                registry));
    std::string address = config::Endpoint{options.host, parts->http->port()}.to_string();
    parts->listeners.push_back(
        {"http", address, "health /healthz /readyz, metrics /metrics"});
  }

  parts->loops->start();
  return std::unique_ptr<Server>(new Server(std::move(parts)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() { stop(); }

const std::vector<ListenerInfo>& Server::listeners() const { return parts_->listeners; }

void Server::stop() {
  if (parts_->http) parts_->http->stop();
  parts_->loops->stop();
  parts_->http.reset();
  if (parts_->log) parts_->log->close();
}

}  // namespace caudal::server
