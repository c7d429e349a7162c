#include "cli/kafka_client.h"

#include <fmt/format.h>

#include "common/errc.h"

namespace caudal::cli {

Result<RdKafkaHandle> make_kafka_client(rd_kafka_type_t type, const std::string& bootstrap,
                                        const std::map<std::string, std::string>& settings,
                                        void (*conf_hook)(rd_kafka_conf_t*, void*),
                                        void* hook_arg) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::map<std::string, std::string> all = settings;
  all["bootstrap.servers"] = bootstrap;
  all.emplace("log_level", "0");
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status(Errc::kInvalidArgument, fmt::format("{}={}: {}", name, value, errstr));
    }
  }
  if (conf_hook != nullptr) conf_hook(conf, hook_arg);
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status(Errc::kInvalidArgument, fmt::format("kafka client: {}", errstr));
  }
  return RdKafkaHandle(rk);
}

}  // namespace caudal::cli
