#include "server/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errc.h"
#include "http/routes.h"
#include "http/server.h"
#include "server/data_dir.h"
#include "server/event_loops.h"

namespace caudal::server {
namespace {
// Below this much free space the process reports not ready, so a load balancer sends traffic
// elsewhere before appends start failing.
constexpr uint64_t kMinFreeBytes = 64ull << 20;
}  // namespace

struct Server::Parts {
  std::unique_ptr<DataDir> data_dir;
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
}

}  // namespace caudal::server
