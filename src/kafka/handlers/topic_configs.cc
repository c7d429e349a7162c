#include "kafka/handlers/topic_configs.h"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "log/errc.h"

namespace caudal::kafka {
namespace {

Status invalid(std::string_view name, std::string_view why) {
  return Status(log::Errc::kInvalidConfig, fmt::format("topic config {}: {}", name, why));
}

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Status apply_topic_config(std::string_view name, const std::optional<std::string>& value,
                          log::TopicSettings& settings) {
  if (!value.has_value()) return invalid(name, "a value is required");
  if (name == "cleanup.policy") {
    if (*value == "delete") return Status();
    return invalid(name, fmt::format("'{}' is not supported, only 'delete'", *value));
  }
  std::optional<int64_t> number = parse_int(*value);
  if (!number) return invalid(name, fmt::format("'{}' is not an integer", *value));
  auto millis = [&] { return std::chrono::milliseconds(*number); };
  if (name == "retention.ms") {
    settings.retention = *number == -1 ? std::nullopt : std::optional<Duration>(millis());
  } else if (name == "retention.bytes") {
    settings.retention_bytes = *number == -1 ? std::nullopt : std::optional<int64_t>(*number);
  } else if (name == "segment.bytes") {
    settings.segment_bytes = *number;
  } else if (name == "segment.ms") {
    settings.segment_age = millis();
  } else if (name == "max.message.bytes") {
    settings.max_message_bytes = *number;
  } else {
    return invalid(name, "not a config Caudal supports (retention.ms, retention.bytes, "
                         "segment.bytes, segment.ms, max.message.bytes, cleanup.policy)");
  }
  return Status();
}

}  // namespace caudal::kafka
