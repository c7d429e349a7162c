#include <array>
#include <utility>

#include "config/schemas.h"

namespace caudal::config {
namespace {

ValueType<Endpoint> endpoint_type() {
  ValueType<Endpoint> type;
  type.expected = "expected host:port such as 127.0.0.1:8080 or [::1]:8080";
  type.parse = parse_endpoint;
  type.format = [](const Endpoint& endpoint) { return endpoint.to_string(); };
  return type;
}

// Two listeners on one fixed address would fail at bind time with a less helpful message.
void check_distinct(const Node& object, const std::string& path, const ListenConfig& listen,
                    Diagnostics& diags) {
  const std::optional<Endpoint> none;
  const std::array<std::pair<const char*, const std::optional<Endpoint>*>, 3> all{{
      {"http", &listen.http},
      {"kafka", &listen.kafka},
      {"elasticsearch",
       listen.elasticsearch_setting ? &listen.elasticsearch_setting->address : &none},
  }};
  for (size_t i = 0; i < all.size(); ++i) {
    const std::optional<Endpoint>& later = *all[i].second;
    if (!later.has_value() || later->port == 0) continue;
    for (size_t j = 0; j < i; ++j) {
      if (*all[j].second == later) {
        diags.error(position_of(object, all[i].first), child_path(path, all[i].first),
                    fmt::format("expected an address not used by {}, found the same address",
                                child_path(path, all[j].first)));
        break;
      }
    }
  }
}

ValueType<ListenerSetting> switchable_endpoint_type() {
  ValueType<ListenerSetting> type;
  type.expected = "expected host:port such as 127.0.0.1:9200 or [::1]:9200, or off";
  type.parse = [](std::string_view text) -> Result<ListenerSetting> {
    if (text == "off") return ListenerSetting{};
    auto endpoint = parse_endpoint(text);
    if (!endpoint.ok()) {
      return Status(endpoint.status().code(), endpoint.status().message() + ", or off");
    }
    return ListenerSetting{std::move(endpoint).value()};
  };
  type.format = [](const ListenerSetting& setting) {
    return setting.address ? setting.address->to_string() : std::string("off");
  };
  return type;
}

}  // namespace

const ObjectSchema<ListenConfig>& listen_schema() {
  static const ObjectSchema<ListenConfig> schema = [] {
    ObjectSchema<ListenConfig> s;
    s.optional("http", &ListenConfig::http, endpoint_type(),
               "address of the HTTP listener: ingest, health, metrics and query APIs");
    s.optional("kafka", &ListenConfig::kafka, endpoint_type(),
               "address of the Kafka protocol listener");
    s.optional("elasticsearch", &ListenConfig::elasticsearch_setting,
               switchable_endpoint_type(),
               "address of the Elasticsearch-compatible HTTP listener, or off (default "
               "127.0.0.1:9200 when indexes are configured)");
    s.check(check_distinct);
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
