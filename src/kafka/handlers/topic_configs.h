// Kafka topic config entries (CreateTopics' configs: "retention.ms" = "86400000") applied to
// the log's TopicSettings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "log/topic_settings.h"

namespace caudal::kafka {

// Applies one entry to `settings`. Understood: retention.ms and retention.bytes (-1 = no
// limit), segment.bytes, segment.ms, max.message.bytes, and cleanup.policy=delete (the only
// policy the log has). Anything else, a null or non-numeric value, or one out of int64 range
// fails with log::Errc::kInvalidConfig naming the entry; range checks are left to
// TopicSettings::validate().
Status apply_topic_config(std::string_view name, const std::optional<std::string>& value,
                          log::TopicSettings& settings);

}  // namespace caudal::kafka
