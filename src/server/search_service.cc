#include "server/search_service.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "config/endpoint.h"
#include "http/elasticsearch/routes.h"
#include "http/ingest/gateway.h"
#include "http/server.h"
#include "index/api/es_api.h"
#include "index/catalog.h"
#include "server/http_settings_mapping.h"
#include "server/topic_settings_mapping.h"

namespace caudal::server {
namespace {

// Searches run here, not on the event loops.
constexpr size_t kSearchThreads = 2;

std::vector<index::IndexDefinition> definitions(const config::Config& config) {
  std::vector<index::IndexDefinition> out;
  for (const auto& [name, entry] : config.indexes) {
    index::IndexDefinition definition;
    definition.options.name = name;
    definition.options.timestamp_field = entry.timestamp;
    for (const auto& [field, type] : entry.mappings) {
      // The config schema admits only known types.
      definition.options.mappings.set(
          field, index::parse_field_type(type).value_or(index::FieldType::kKeyword));
    }
    definition.options.retention = entry.retention;
    definition.options.retention_bytes = entry.retention_bytes;
    definition.feeder.topic = entry.topic;
    definition.feeder.new_topic_settings = to_log_settings(config.topic_defaults);
    definition.feeder.refresh_interval = entry.refresh_interval;
    out.push_back(std::move(definition));
  }
  return out;
}

// http::SearchApi over index::api::EsApi.
class SearchAdapter final : public http::SearchApi {
 public:
  explicit SearchAdapter(index::Catalog& catalog) : api_(catalog, index::SearchLimits{}) {}
  ~SearchAdapter() override { pool_.join(); }

  void run(Call call, std::string indices, std::string body, http::EsParams params,
           std::function<void(http::EsAnswer)> done) const override {
    boost::asio::post(pool_, [this, call, indices = std::move(indices), body = std::move(body),
                              params = std::move(params), done = std::move(done)] {
      const index::UriParams uri(params.begin(), params.end());
      index::api::EsResponse response;
      switch (call) {
        case Call::kSearch: response = api_.search(indices, body, uri, false); break;
        case Call::kCount: response = api_.search(indices, body, uri, true); break;
        case Call::kCatIndices: response = api_.cat_indices(indices, uri); break;
        case Call::kMapping: response = api_.mapping(indices, uri); break;
        case Call::kGetIndex: response = api_.get_index(indices, uri); break;
        case Call::kDeleteIndex: response = api_.delete_index(indices, uri); break;
        case Call::kRefresh: response = api_.refresh(indices, uri); break;
      }
      done(http::EsAnswer{response.status, std::move(response.body), response.content_type});
    });
  }

 private:
  index::api::EsApi api_;
  mutable boost::asio::thread_pool pool_{kSearchThreads};
};

}  // namespace

struct SearchService::Impl {
  std::unique_ptr<index::Catalog> catalog;
  std::unique_ptr<SearchAdapter> adapter;
  std::unique_ptr<http::Gateway> gateway;
  std::unique_ptr<http::HttpServer> http;
};

Result<std::unique_ptr<SearchService>> SearchService::start(
    const config::Config& config, log::Log& log, std::vector<boost::asio::io_context*> loops,
    metrics::Registry& registry, std::string host_name) {
  auto impl = std::make_unique<Impl>();
  auto catalog =
      index::Catalog::open(config.data_dir / "index", definitions(config), log, registry);
  if (!catalog.ok()) return catalog.status();
  impl->catalog = std::move(catalog).value();
  impl->adapter = std::make_unique<SearchAdapter>(*impl->catalog);
  std::optional<std::string> address;
  if (config.listen.elasticsearch) {
    http::GatewaySettings settings = to_gateway_settings(config, std::move(host_name));
    std::map<std::string, std::string> topics;
    for (const auto& [name, entry] : config.indexes) topics[name] = entry.topic;
    settings.bulk_indexes = http::IndexMap(topics);
    impl->gateway = std::make_unique<http::Gateway>(log, std::move(settings), registry);
    http::RouteContext context;
    context.registry = &registry;
    context.gateway = impl->gateway.get();
    http::ServerOptions options = to_http_server_options(config);
    options.host = config.listen.elasticsearch->host;
    options.port = config.listen.elasticsearch->port;
    CAUDAL_ASSIGN_OR_RETURN(
        impl->http,
        http::HttpServer::start(options, std::move(loops),
                                std::make_shared<const http::Router>(
                                    http::build_elasticsearch_routes(context, *impl->adapter)),
                                registry));
    address = config::Endpoint{options.host, impl->http->port()}.to_string();
  }
  std::unique_ptr<SearchService> service(new SearchService(std::move(impl)));
  service->address_ = std::move(address);
  return service;
}

SearchService::SearchService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

const http::SearchApi& SearchService::api() const { return *impl_->adapter; }

void SearchService::stop_listener() {
  if (impl_->http) impl_->http->stop();
}

SearchService::~SearchService() {
  stop_listener();
  impl_->http.reset();
  impl_->gateway.reset();
  // The search threads finish what they run before the feeders stop.
  impl_->adapter.reset();
  impl_->catalog.reset();
}

}  // namespace caudal::server
