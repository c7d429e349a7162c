#include "server/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errc.h"
#include <unistd.h>

#include <atomic>

#include "http/ingest/gateway.h"
#include "http/routes.h"
#include "http/server.h"
#include "kafka/group/group_coordinator.h"
#include "kafka/net/kafka_server.h"
#include "log/log.h"
#include "log/offset_store.h"
#include "pipeline/runtime/pipelines.h"
#include "server/config_reload.h"
#include "server/config_reloader.h"
#include "server/data_dir.h"
#include "server/declare_topics.h"
#include "server/event_loops.h"
#include "server/search_service.h"
#include "server/http_settings_mapping.h"
#include "server/table_options_mapping.h"
#include "server/pipeline_queries.h"
#include "server/table_queries.h"
#include "server/topic_settings_mapping.h"

namespace caudal::server {
namespace {
// Below this much free space the process reports not ready, so a load balancer sends traffic
// elsewhere before appends start failing.
constexpr uint64_t kMinFreeBytes = 64ull << 20;

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

}  // namespace

struct Server::Parts {
  // What runs; a reload changes it on the reloader's thread only.
  config::Config config;
  std::unique_ptr<DataDir> data_dir;
  std::unique_ptr<log::Log> log;
  std::atomic<bool> log_open{false};  // for /readyz
  // Lookup and materialized tables; the HTTP tables API reads them through table_queries.
  std::unique_ptr<table::Catalog> tables;
  std::unique_ptr<CatalogQueries> table_queries;
  std::unique_ptr<EventLoops> loops;
  std::unique_ptr<http::Gateway> gateway;
  std::unique_ptr<http::HttpServer> http;
  // Committed consumer offsets; the coordinator writes them, so it goes first.
  std::unique_ptr<log::OffsetStore> offsets;
  std::shared_ptr<kafka::GroupCoordinator> groups;
  std::unique_ptr<kafka::KafkaServer> kafka;
  // Read and write the log and the tables: started after them, stopped before them.
  std::unique_ptr<pipeline::Pipelines> pipelines;
  // Search indexes (fed from the log) and the Elasticsearch listener.
  std::unique_ptr<SearchService> search;
  // The HTTP pipelines API reads state through it; destroyed before the pipelines.
  std::unique_ptr<RunningPipelineQueries> pipeline_queries;
  // Reloads (SIGHUP, POST /v1/admin/reload); stopped first, so none runs during stop().
  std::unique_ptr<ConfigReloader> reloader;
  std::vector<ListenerInfo> listeners;
};

Result<std::unique_ptr<Server>> Server::start(const config::Config& config,
                                              metrics::Registry& registry) {
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  CAUDAL_ASSIGN_OR_RETURN(parts->data_dir, DataDir::open(config.data_dir));
  spdlog::info("data directory {}", config.data_dir.string());

  log::LogOptions log_options;
  log_options.data_dir = config.data_dir;
  log_options.metrics = &registry;
  CAUDAL_ASSIGN_OR_RETURN(parts->log, log::Log::open(log_options));
  for (const auto& note : parts->log->recovery_notes()) spdlog::warn("recovery: {}", note);
  CAUDAL_RETURN_IF_ERROR(declare_topics(config, *parts->log).status());
  parts->log_open = true;

  auto tables = table::Catalog::open(to_catalog_options(config), registry);
  if (!tables.ok()) return tables.status().with_context("tables");
  parts->tables = std::move(tables).value();
  parts->table_queries = std::make_unique<CatalogQueries>(*parts->tables);
  for (const table::TableInfo& table : parts->tables->list()) {
    spdlog::info("table {}: {} with {} rows{}", table.name, table::table_kind_name(table.kind),
                 table.rows, table.source.empty() ? "" : " from " + table.source);
  }

  pipeline::PipelinesOptions pipeline_options;
  pipeline_options.log = parts->log.get();
  pipeline_options.catalog = parts->tables.get();
  pipeline_options.metrics = &registry;
  pipeline_options.new_topic_settings = to_log_settings(config.topic_defaults);
  pipeline_options.state_dir = config.data_dir / "state";
  CAUDAL_ASSIGN_OR_RETURN(parts->pipelines,
                          pipeline::Pipelines::start(config, std::move(pipeline_options)));
  parts->pipeline_queries = std::make_unique<RunningPipelineQueries>(*parts->pipelines);
  Parts* running = parts.get();
  parts->reloader = std::make_unique<ConfigReloader>(
      [running] {
        return reload_configuration(running->config,
                                    ReloadTargets{*running->log, *running->tables, *running->pipelines});
      },
      registry);

  parts->loops = std::make_unique<EventLoops>(0);

  // Before the HTTP listener, which serves /v1/search from it.
  if (!config.indexes.empty() || config.listen.elasticsearch || config.listen.http) {
    CAUDAL_ASSIGN_OR_RETURN(parts->search,
                            SearchService::start(config, *parts->log, parts->loops->loops(),
                                                 registry, host_name()));
  }

  if (config.listen.http) {
    parts->gateway = std::make_unique<http::Gateway>(
        *parts->log, to_gateway_settings(config, host_name()), registry);
    http::RouteContext context;
    context.registry = &registry;
    context.gateway = parts->gateway.get();
    context.tables = parts->table_queries.get();
    context.pipelines = parts->pipeline_queries.get();
    context.admin = parts->reloader.get();
    context.log = parts->log.get();
    if (parts->search) context.search = &parts->search->api();
    context.dashboard_dir = resolve_dashboard_dir(config);
    const DataDir* data_dir = parts->data_dir.get();
    const std::atomic<bool>* log_open = &parts->log_open;
    context.readiness_problems = [data_dir, log_open] {
      std::vector<std::string> problems;
      if (!log_open->load()) problems.push_back("the log is not open");
      auto free = data_dir->free_bytes();
      if (!free.ok()) {
        problems.push_back(free.status().message());
      } else if (*free < kMinFreeBytes) {
        problems.push_back(fmt::format("only {} bytes free on the data directory's disk", *free));
      }
      return problems;
    };
    http::ServerOptions options = to_http_server_options(config);
    CAUDAL_ASSIGN_OR_RETURN(
        parts->http,
        http::HttpServer::start(options, parts->loops->loops(),
                                std::make_shared<const http::Router>(http::build_routes(context)),
                                registry));
    std::string address = config::Endpoint{options.host, parts->http->port()}.to_string();
    parts->listeners.push_back(
        {"http", address,
         "ingest /v1/topics/{topic}, Elasticsearch /_bulk, Splunk HEC /services/collector, "
         "health /healthz /readyz, metrics /metrics, tables /v1/tables, search /v1/search"});
  }

  if (config.listen.kafka) {
    kafka::KafkaServerOptions options;
    options.host = config.listen.kafka->host;
    options.port = config.listen.kafka->port;
    kafka::BrokerConfig broker;
    broker.auto_create_topics = config.auto_create_topics;
    broker.topic_defaults = to_log_settings(config.topic_defaults);
    // Idempotent producers' ids, reserved in blocks in <data_dir>/state/producer-ids.
    FileSystem& fs = PosixFileSystem::instance();
    CAUDAL_RETURN_IF_ERROR(fs.create_directories(config.data_dir / "state"));
    CAUDAL_ASSIGN_OR_RETURN(
        broker.producer_ids,
        kafka::ProducerIdAllocator::open(fs, config.data_dir / "state" / "producer-ids"));
    // Consumer groups: membership in memory, committed offsets in <data_dir>/state/offsets.
    CAUDAL_ASSIGN_OR_RETURN(parts->offsets,
                            log::OffsetStore::open(config.data_dir / "state" / "offsets"));
    parts->groups = std::make_shared<kafka::GroupCoordinator>(parts->loops->loops(), *parts->log,
                                                              *parts->offsets, registry);
    broker.groups = parts->groups;
    CAUDAL_ASSIGN_OR_RETURN(parts->kafka,
                            kafka::KafkaServer::start(options, parts->loops->loops(),
                                                      std::move(broker), *parts->log, registry));
    std::string address = config::Endpoint{options.host, parts->kafka->port()}.to_string();
    parts->listeners.push_back(
        {"kafka", address,
         "Kafka protocol: produce, fetch, metadata, list offsets, topics, consumer groups"});
  }

  if (parts->search && parts->search->address()) {
    parts->listeners.push_back(
        {"elasticsearch", *parts->search->address(),
         "Elasticsearch API: _search, _count, _bulk, _doc, _cat/indices, _mapping"});
  }

  parts->loops->start();
  return std::unique_ptr<Server>(new Server(std::move(parts)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() { stop(); }

const std::vector<ListenerInfo>& Server::listeners() const { return parts_->listeners; }

void Server::request_reload(std::function<void(const std::string& result_json)> done) {
  parts_->reloader->reload([done = std::move(done)](http::ReloadAnswer answer) {
    if (done) done(answer.json);
  });
}

void Server::stop() {
  parts_->log_open = false;
  // A reload under way finishes first; later ones are refused (the HTTP route still holds it).
  if (parts_->reloader) parts_->reloader->stop();
  // First: each commits what its sinks acknowledged while the log and tables are still open.
  if (parts_->pipelines) parts_->pipelines->stop();
  if (parts_->http) parts_->http->stop();
  if (parts_->kafka) parts_->kafka->stop();
  if (parts_->search) parts_->search->stop_listener();
  parts_->loops->stop();
  parts_->http.reset();
  parts_->kafka.reset();
  // After the loops (the groups live on them), before the store (the last commits finish).
  if (parts_->groups) parts_->groups->stop();
  parts_->groups.reset();
  parts_->offsets.reset();
  // After the loops (nothing new reaches it), before the log (its topic creations finish).
  parts_->gateway.reset();
  // After the loops (the tables API reads on them); stops the reloader thread.
  parts_->table_queries.reset();
  parts_->tables.reset();
  // After the loops (the listener and its searches), before the log (the feeders read it).
  parts_->search.reset();
  if (parts_->log) parts_->log->close();
}

}  // namespace caudal::server
