#include "config/schemas.h"

namespace caudal::config {

const ObjectSchema<EnrichConfig>& enrich_schema() {
  static const ObjectSchema<EnrichConfig> schema = [] {
    ObjectSchema<EnrichConfig> s;
    s.scalar("received_at", &EnrichConfig::received_at, boolean_type(),
             "add the header caudal.received_at: when Caudal received the event");
    s.scalar("event_id", &EnrichConfig::event_id, boolean_type(),
             "add the header caudal.event_id: a unique, time-ordered id (UUIDv7)");
    s.scalar("client_address", &EnrichConfig::client_address, boolean_type(),
             "add the header caudal.client_address: the IP address that sent the event");
    s.scalar("host", &EnrichConfig::host, boolean_type(),
             "add the header caudal.host: the name of the host Caudal runs on");
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
