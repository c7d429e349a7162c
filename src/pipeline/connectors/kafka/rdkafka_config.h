// The librdkafka configuration the Kafka sink and source share: bootstrap servers, then the
// connector's own settings, then the user's `properties` (TLS, SASL, timeouts...) passed
// through as librdkafka properties, so any property librdkafka knows can be set and a later
// one overrides an earlier one. Messages name the property, never its value (it may be a
// password).
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace caudal::pipeline::connectors {

struct DestroyConf {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using RdKafkaConf = std::unique_ptr<rd_kafka_conf_t, DestroyConf>;

struct DestroyHandle {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using RdKafkaHandle = std::unique_ptr<rd_kafka_t, DestroyHandle>;

// A configuration with `bootstrap.servers` = `brokers`, then `settings` (in order), then
// `properties`. ConnectorErrc::kInvalidOption naming the first property librdkafka refuses.
Result<RdKafkaConf> rdkafka_conf(const std::string& brokers,
                                 const std::vector<std::pair<std::string, std::string>>& settings,
                                 const std::map<std::string, std::string>& properties);

// A producer or consumer from `conf` (taken). kInvalidOption with librdkafka's message.
Result<RdKafkaHandle> rdkafka_handle(rd_kafka_type_t type, RdKafkaConf conf);

}  // namespace caudal::pipeline::connectors
