#include "server/topic_settings_mapping.h"

namespace caudal::server {

log::TopicSettings to_log_settings(const config::TopicConfig& topic) {
  log::TopicSettings settings;
  settings.partitions = topic.partitions;
  settings.retention = topic.retention;
  settings.retention_bytes = topic.retention_bytes
                                 ? std::optional<int64_t>(static_cast<int64_t>(*topic.retention_bytes))
                                 : std::nullopt;
  settings.segment_bytes = static_cast<int64_t>(topic.segment_bytes);
  settings.segment_age = topic.segment_age;
  settings.max_message_bytes = static_cast<int64_t>(topic.max_message_bytes);
  switch (topic.flush.mode) {
    case config::FlushPolicy::Mode::kAlways: settings.flush = log::FlushPolicy::always(); break;
    case config::FlushPolicy::Mode::kInterval:
      settings.flush = log::FlushPolicy::every(topic.flush.interval);
      break;
    case config::FlushPolicy::Mode::kNone: settings.flush = log::FlushPolicy::none(); break;
  }
  return settings;
}

}  // namespace caudal::server
