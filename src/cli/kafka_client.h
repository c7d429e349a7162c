// librdkafka handles for the CLI's Kafka verbs (topics, produce, consume): one place that turns
// a bootstrap address and settings into a client, with librdkafka's own log silenced (the verbs
// report failures themselves, once, in their own words).
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "common/result.h"

namespace caudal::cli {

struct RdKafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using RdKafkaHandle = std::unique_ptr<rd_kafka_t, RdKafkaDeleter>;

// A producer or consumer for `bootstrap` with `settings` (librdkafka property names). `conf_hook`,
// if given, runs on the configuration before the client is made (to set callbacks and their
// opaque pointer). kInvalidArgument names the setting librdkafka refused.
Result<RdKafkaHandle> make_kafka_client(rd_kafka_type_t type, const std::string& bootstrap,
                                        const std::map<std::string, std::string>& settings,
                                        void (*conf_hook)(rd_kafka_conf_t*, void*) = nullptr,
                                        void* hook_arg = nullptr);

}  // namespace caudal::cli
