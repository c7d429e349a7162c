#include "log/topic_settings.h"

#include <algorithm>
#include <charconv>
#include <iterator>

#include <fmt/format.h>

#include "log/errc.h"
#include "log/record_batch_header.h"

namespace caudal::log {
namespace {

constexpr int32_t kMaxPartitions = 10'000;
constexpr int64_t kMinSegmentBytes = 1024;
// Positions inside a segment are 32-bit in the index: a segment holds at most segment_bytes
// plus one batch, and both limits together stay below 4 GiB.
constexpr int64_t kMaxSegmentBytes = (int64_t{1} << 31) - 1;
constexpr int64_t kMaxMaxMessageBytes = int64_t{1} << 30;
constexpr size_t kMaxTopicNameLength = 249;

int64_t to_millis(Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

Status invalid(std::string message) {
  return Status(Errc::kInvalidConfig, std::move(message));
}

std::string optional_millis(const std::optional<Duration>& d) {
  return d ? std::to_string(to_millis(*d)) : "-1";
}

Result<int64_t> parse_int(std::string_view value, std::string_view where) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return invalid(fmt::format("{}: '{}' is not an integer", where, value));
  }
  return v;
}

Result<FlushPolicy> parse_flush(std::string_view value, std::string_view where) {
  if (value == "always") return FlushPolicy::always();
  if (value == "none") return FlushPolicy::none();
  if (value.starts_with("interval(") && value.ends_with("ms)")) {
    std::string_view number = value.substr(9, value.size() - 9 - 3);
    CAUDAL_ASSIGN_OR_RETURN(int64_t ms, parse_int(number, where));
    return FlushPolicy::every(std::chrono::milliseconds(ms));
  }
  return invalid(
      fmt::format("{}: flush is '{}', expected always, none or interval(<n>ms)", where, value));
}

}  // namespace

std::string FlushPolicy::to_string() const {
  switch (mode) {
    case Mode::kAlways: return "always";
    case Mode::kNone: return "none";
    case Mode::kInterval: return fmt::format("interval({}ms)", to_millis(interval));
  }
  return "unknown";
}

Status TopicSettings::validate() const {
  if (partitions < 1 || partitions > kMaxPartitions) {
    return invalid(fmt::format("partitions is {}, must be 1 to {}", partitions, kMaxPartitions));
  }
  if (retention && to_millis(*retention) < 1) {
    return invalid("retention must be at least 1ms (or unset to keep data forever)");
  }
  if (retention_bytes && *retention_bytes < 1) {
    return invalid(fmt::format("retention_bytes is {}, must be positive (or unset for no limit)",
                               *retention_bytes));
  }
  if (segment_bytes < kMinSegmentBytes || segment_bytes > kMaxSegmentBytes) {
    return invalid(fmt::format("segment_bytes is {}, must be {} to {}", segment_bytes,
                               kMinSegmentBytes, kMaxSegmentBytes));
  }
  if (segment_age && to_millis(*segment_age) < 1) {
    return invalid("segment_age must be at least 1ms (or unset to roll by size only)");
  }
  if (max_message_bytes < static_cast<int64_t>(kBatchHeaderSize) ||
      max_message_bytes > kMaxMaxMessageBytes) {
    return invalid(fmt::format("max_message_bytes is {}, must be {} to {}", max_message_bytes,
                               kBatchHeaderSize, kMaxMaxMessageBytes));
  }
  if (flush.mode == FlushPolicy::Mode::kInterval && to_millis(flush.interval) < 1) {
    return invalid("flush interval must be at least 1ms");
  }
  return Status();
}

std::string TopicSettings::serialize() const {
  return fmt::format(
      "# Caudal topic settings; format: docs/log-format.md\n"
      "partitions={}\n"
      "retention_ms={}\n"
      "retention_bytes={}\n"
      "segment_bytes={}\n"
      "segment_age_ms={}\n"
      "max_message_bytes={}\n"
      "flush={}\n",
      partitions, optional_millis(retention), retention_bytes ? *retention_bytes : -1,
      segment_bytes, optional_millis(segment_age), max_message_bytes, flush.to_string());
}

Result<TopicSettings> TopicSettings::parse(std::string_view text, std::string_view source) {
  TopicSettings s;
  int line_number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    std::string where = fmt::format("{} line {}", source, line_number);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return invalid(fmt::format("{}: expected key=value, found '{}'", where, line));
    }
    std::string_view key = line.substr(0, eq);
    std::string_view value = line.substr(eq + 1);
    if (key == "flush") {
      CAUDAL_ASSIGN_OR_RETURN(s.flush, parse_flush(value, where));
      continue;
    }
    constexpr std::string_view kIntegerKeys[] = {"partitions",      "retention_ms",
                                                 "retention_bytes", "segment_bytes",
                                                 "segment_age_ms",  "max_message_bytes"};
    if (std::find(std::begin(kIntegerKeys), std::end(kIntegerKeys), key) ==
        std::end(kIntegerKeys)) {
      return invalid(fmt::format("{}: unknown setting '{}'", where, key));
    }
    CAUDAL_ASSIGN_OR_RETURN(int64_t v, parse_int(value, where));
    auto optional_ms = [v]() -> std::optional<Duration> {
      if (v < 0) return std::nullopt;
      return std::chrono::milliseconds(v);
    };
    if (key == "partitions") {
      if (v < 1 || v > kMaxPartitions) {
        return invalid(fmt::format("{}: partitions {} is out of range", where, v));
      }
      s.partitions = static_cast<int32_t>(v);
    } else if (key == "retention_ms") {
      s.retention = optional_ms();
    } else if (key == "retention_bytes") {
      s.retention_bytes = v < 0 ? std::nullopt : std::optional<int64_t>(v);
    } else if (key == "segment_bytes") {
      s.segment_bytes = v;
    } else if (key == "segment_age_ms") {
      s.segment_age = optional_ms();
    } else {
      s.max_message_bytes = v;
    }
  }
  Status valid = s.validate();
  if (!valid.ok()) return valid.with_context(source);
  return s;
}

Status validate_topic_name(std::string_view name) {
  if (name.empty()) return Status(Errc::kInvalidTopicName, "topic name is empty");
  if (name.size() > kMaxTopicNameLength) {
    return Status(Errc::kInvalidTopicName,
                  fmt::format("topic name is {} characters long, at most {} are allowed",
                              name.size(), kMaxTopicNameLength));
  }
  if (name == "." || name == "..") {
    return Status(Errc::kInvalidTopicName, fmt::format("topic name may not be '{}'", name));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      // The name is untrusted: show the offending byte as a code, never raw.
      return Status(Errc::kInvalidTopicName,
                    fmt::format("topic name has byte {:#04x} at position {}; only letters, "
                                "digits, '.', '_' and '-' are allowed",
                                static_cast<unsigned char>(c), i));
    }
  }
  return Status();
}

}  // namespace caudal::log
