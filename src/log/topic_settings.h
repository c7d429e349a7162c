// Per-topic settings of the log, and their on-disk form (`topic.conf` in the topic's
// directory; docs/log-format.md §Topic settings). The config module has its own YAML-facing
// struct; the server maps that one onto this one.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace caudal::log {

// When appended bytes are made durable (fdatasync) and when an append is acknowledged.
struct FlushPolicy {
  enum class Mode {
    // Group commit: an append is acknowledged, and becomes visible to readers, only after an
    // fdatasync that covers it. One fdatasync completes every append waiting on it.
    kAlways,
    // Acknowledged and visible once written to the page cache; an fdatasync follows at most
    // `interval` later. A power loss may lose up to `interval` of acknowledged appends.
    kInterval,
    // Acknowledged and visible once written; synced only when a segment is rolled and at a
    // clean shutdown. A power loss may lose whatever the kernel had not written back.
    kNone,
  };
  Mode mode = Mode::kInterval;
  Duration interval = std::chrono::seconds(1);  // kInterval only

  static FlushPolicy always() { return {Mode::kAlways, Duration::zero()}; }
  static FlushPolicy every(Duration d) { return {Mode::kInterval, d}; }
  static FlushPolicy none() { return {Mode::kNone, Duration::zero()}; }

  // "always", "none" or "interval(<n>ms)".
  std::string to_string() const;
  friend bool operator==(const FlushPolicy&, const FlushPolicy&) = default;
};

struct TopicSettings {
  static constexpr int64_t kDefaultSegmentBytes = int64_t{1} << 30;
  static constexpr int64_t kDefaultMaxMessageBytes = int64_t{1} << 20;

  int32_t partitions = 1;
  // Segments whose newest record is older than this are deleted; nullopt keeps them forever.
  std::optional<Duration> retention = std::chrono::hours(24 * 7);
  // Per partition: the oldest segments are deleted while the partition is larger than this;
  // nullopt means no limit. The active segment is never deleted for size.
  std::optional<int64_t> retention_bytes;
  // A segment is rolled (closed, a new one started) before it would grow past this size...
  int64_t segment_bytes = kDefaultSegmentBytes;
  // ...or when its first append is older than this (nullopt: never by age).
  std::optional<Duration> segment_age = std::chrono::hours(24 * 7);
  // Largest batch accepted, header included (Kafka's max.message.bytes).
  int64_t max_message_bytes = kDefaultMaxMessageBytes;
  FlushPolicy flush;

  // Checks every value against its allowed range; errors are log::Errc::kInvalidConfig and
  // name the setting and the range.
  Status validate() const;

  // The `topic.conf` text: one `key=value` per line, durations in milliseconds, -1 for "none".
  std::string serialize() const;
  // Parses serialize()'s output. Unknown keys and bad values are kInvalidConfig errors naming
  // `source` (a file name) and the line; missing keys keep their defaults.
  static Result<TopicSettings> parse(std::string_view text, std::string_view source);

  friend bool operator==(const TopicSettings&, const TopicSettings&) = default;
};

// Kafka's topic-name rules: 1 to 249 characters from [a-zA-Z0-9._-], and not "." or "..".
// Errors are log::Errc::kInvalidTopicName and say which rule was broken.
Status validate_topic_name(std::string_view name);

}  // namespace caudal::log
