#include "server/http_settings_mapping.h"

#include <chrono>

#include "server/topic_settings_mapping.h"

namespace caudal::server {
namespace {

http::EnrichSettings to_enrich(const config::EnrichConfig& enrich) {
  return http::EnrichSettings{enrich.received_at, enrich.event_id, enrich.client_address,
                              enrich.host};
}

}  // namespace

http::ServerOptions to_http_server_options(const config::Config& config) {
  http::ServerOptions options;
  if (config.listen.http) {
    options.host = config.listen.http->host;
    options.port = config.listen.http->port;
  }
  options.body_limit = config.http.max_body_bytes;
  options.header_limit = config.http.max_header_bytes;
  options.header_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.http.header_timeout);
  options.idle_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.http.idle_timeout);
  return options;
}

http::GatewaySettings to_gateway_settings(const config::Config& config, std::string host_name) {
  http::GatewaySettings settings;
  settings.auto_create_topics = config.auto_create_topics;
  settings.new_topic_settings = to_log_settings(config.topic_defaults);
  settings.default_enrich = to_enrich(config.topic_defaults.enrich);
  for (const auto& [name, topic] : config.topics) {
    settings.topic_enrich.emplace(name, to_enrich(topic.enrich));
  }
  settings.max_body_bytes = config.http.max_body_bytes;
  settings.bulk_indexes = http::IndexMap(config.http.bulk.indexes);
  for (const auto& [name, token] : config.http.hec.tokens) {
    settings.hec_tokens.push_back(http::HecToken{name, token.token, token.topic});
  }
  settings.hec_indexes = http::IndexMap(config.http.hec.indexes);
  settings.host_name = std::move(host_name);
  return settings;
}

std::filesystem::path resolve_dashboard_dir(const config::Config& config) {
  if (!config.http.dashboard) return {};
  if (config.http.dashboard->is_absolute()) return *config.http.dashboard;
  return std::filesystem::absolute(config.source_file).parent_path() / *config.http.dashboard;
}

}  // namespace caudal::server
