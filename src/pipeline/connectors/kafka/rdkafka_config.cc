#include "pipeline/connectors/kafka/rdkafka_config.h"

#include <fmt/format.h>

#include "pipeline/connectors/errc.h"

namespace caudal::pipeline::connectors {

Result<RdKafkaConf> rdkafka_conf(const std::string& brokers,
                                 const std::vector<std::pair<std::string, std::string>>& settings,
                                 const std::map<std::string, std::string>& properties) {
  RdKafkaConf conf(rd_kafka_conf_new());
  char error[512];
  const auto set = [&](const std::string& name, const std::string& value, std::string_view origin) -> Status {
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
      return Status(ConnectorErrc::kInvalidOption, fmt::format("{} {}: {}", origin, name, error));
    }
    return Status();
  };
  CAUDAL_RETURN_IF_ERROR(set("bootstrap.servers", brokers, "brokers:"));
  for (const auto& [name, value] : settings) CAUDAL_RETURN_IF_ERROR(set(name, value, "librdkafka property"));
  for (const auto& [name, value] : properties) CAUDAL_RETURN_IF_ERROR(set(name, value, "properties:"));
  // librdkafka's own log lines go to stderr by default: quiet, its errors reach us as results.
  rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t*, int, const char*, const char*) {});
  return conf;
}

Result<RdKafkaHandle> rdkafka_handle(rd_kafka_type_t type, RdKafkaConf conf) {
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(type, conf.get(), error, sizeof error);
  if (handle == nullptr) {
    return Status(ConnectorErrc::kInvalidOption, fmt::format("librdkafka refused the configuration: {}", error));
  }
  conf.release();  // rd_kafka_new took it
  return RdKafkaHandle(handle);
}

}  // namespace caudal::pipeline::connectors
