#include "pipeline/connectors/registry.h"

#include "common/check.h"
#include "pipeline/connectors/delivery_sink.h"
#include "pipeline/connectors/email/email.h"
#include "pipeline/connectors/file/file_connector.h"
#include "pipeline/connectors/influxdb/influxdb.h"
#include "pipeline/connectors/kafka/kafka_sink.h"
#include "pipeline/connectors/postgres/postgres.h"
#include "pipeline/connectors/webhook/webhook.h"

namespace caudal::pipeline::connectors {

const std::vector<const ConnectorDescriptor*>& connector_registry() {
  static const std::vector<const ConnectorDescriptor*> registry = {
      &email_connector(),
      &file_connector(),
      &influxdb_connector(),
      &kafka_connector(),
      &postgres_connector(),
      &webhook_connector(),
  };
  return registry;
}

const ConnectorDescriptor* find_connector(std::string_view name) {
  for (const ConnectorDescriptor* descriptor : connector_registry()) {
    if (descriptor->name == name) return descriptor;
  }
  return nullptr;
}

Result<std::unique_ptr<Sink>> open_connector_sink(const SinkSpec& spec, std::string_view pipeline,
                                                  std::unique_ptr<Sink> dead_letters,
                                                  metrics::Registry& registry, FileSystem& file_system) {
  CAUDAL_CHECK(spec.kind == SinkSpec::Kind::kConnector && spec.connector != nullptr && spec.options != nullptr,
               "open_connector_sink is given a compiled connector spec");
  const std::string label = spec.label();
  CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<Transport> transport,
                          spec.connector->open(TransportArgs{*spec.options, pipeline, label, &file_system}));
  return std::unique_ptr<Sink>(std::make_unique<DeliverySink>(std::move(transport), delivery_settings(*spec.options),
                                                              std::string(pipeline), label,
                                                              std::move(dead_letters), registry));
}

}  // namespace caudal::pipeline::connectors
