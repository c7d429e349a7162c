// The one mapping from the configuration's HTTP section and per-topic enrichment
// (config::Config, as users write them) to what the HTTP listener and its ingest gateway take
// (http::ServerOptions, http::GatewaySettings).
#pragma once

#include <filesystem>
#include <string>

#include "config/config.h"
#include "http/ingest/gateway.h"
#include "http/server.h"

namespace caudal::server {

http::ServerOptions to_http_server_options(const config::Config& config);

// `host_name` goes into the caudal.host enrichment header.
http::GatewaySettings to_gateway_settings(const config::Config& config, std::string host_name);

// http.dashboard, relative to the config file's folder; empty when unset.
std::filesystem::path resolve_dashboard_dir(const config::Config& config);

}  // namespace caudal::server
