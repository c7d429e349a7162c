// The one mapping from the configuration's topic settings (config::TopicConfig, as users write
// them) to the log's (log::TopicSettings, as the storage engine enforces them).
#pragma once

#include "config/config.h"
#include "log/topic_settings.h"

namespace caudal::server {

log::TopicSettings to_log_settings(const config::TopicConfig& topic);

}  // namespace caudal::server
