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
  const std::array<std::pair<const char*, const std::optional<Endpoint>*>, 3> all{{
      {"http", &listen.http},
      {"kafka", &listen.kafka},
      {"elasticsearch", &listen.elasticsearch},
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

}  // namespace

const ObjectSchema<ListenConfig>& listen_schema() {
  static const ObjectSchema<ListenConfig> schema = [] {
    ObjectSchema<ListenConfig> s;
    s.optional("http", &ListenConfig::http, endpoint_type(),
               "address of the HTTP listener: ingest, health, metrics and query APIs");
    s.optional("kafka", &ListenConfig::kafka, endpoint_type(),
               "address of the Kafka protocol listener");
    s.optional("elasticsearch", &ListenConfig::elasticsearch, endpoint_type(),
               "address of the Elasticsearch-compatible HTTP listener");
    s.check(check_distinct);
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
