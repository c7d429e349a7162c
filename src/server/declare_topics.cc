#include "server/declare_topics.h"

#include <spdlog/spdlog.h>

#include "server/topic_settings_mapping.h"

namespace caudal::server {

Result<std::vector<std::string>> declare_topics(const config::Config& config, log::Log& log) {
  std::vector<std::string> created;
  for (const auto& [name, topic] : config.topics) {
    log::TopicSettings wanted = to_log_settings(topic);
    auto existing = log.describe_topic(name);
    if (existing.ok()) {
      if (!(existing->settings == wanted)) {
        spdlog::warn("topic {} exists with other settings than the configuration's; the stored "
                     "settings apply (stored: {} partitions, flush {}; configured: {} "
                     "partitions, flush {})",
                     name, existing->settings.partitions, existing->settings.flush.to_string(),
                     wanted.partitions, wanted.flush.to_string());
      }
      continue;
    }
    CAUDAL_RETURN_IF_ERROR(log.create_topic(name, wanted).with_context("creating topic " + name));
    spdlog::info("created topic {} with {} partition(s)", name, wanted.partitions);
    created.push_back(name);
  }
  return created;
}

}  // namespace caudal::server
