#include "config/errc.h"
#include "config/schemas.h"
#include "config/units.h"

namespace caudal::config {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kGiB = kKiB * kKiB * kKiB;
// A segment's file positions must fit 31 bits (the offset index stores them as int32, as
// Kafka's does), and a segment must hold at least one reasonable batch.
constexpr uint64_t kMinSegmentBytes = 4 * kKiB;
constexpr uint64_t kMaxSegmentBytes = 2 * kGiB;
constexpr Duration kMinDuration = std::chrono::milliseconds(1);

ValueType<FlushPolicy> flush_type() {
  ValueType<FlushPolicy> type;
  type.expected = "expected always, none or interval(DURATION) such as interval(200ms)";
  const ValueType<Duration> interval = duration_type(kMinDuration);
  type.parse = [expected = type.expected, interval](std::string_view text) -> Result<FlushPolicy> {
    if (text == "always") return FlushPolicy{FlushPolicy::Mode::kAlways, {}};
    if (text == "none") return FlushPolicy{FlushPolicy::Mode::kNone, {}};
    if (!text.starts_with("interval(") || !text.ends_with(')')) {
      return Status(Errc::kInvalid, expected);
    }
    const std::string_view inner = text.substr(9, text.size() - 10);
    Result<Duration> every = interval.parse(inner);
    if (!every.ok()) {
      return Status(Errc::kInvalid,
                    fmt::format("{} inside interval(...)", every.status().message()));
    }
    return FlushPolicy{FlushPolicy::Mode::kInterval, *every};
  };
  type.format = [](const FlushPolicy& flush) -> std::string {
    switch (flush.mode) {
      case FlushPolicy::Mode::kAlways: return "always";
      case FlushPolicy::Mode::kNone: return "none";
      case FlushPolicy::Mode::kInterval:
        return fmt::format("interval({})", format_duration(flush.interval));
    }
    return "none";
  };
  return type;
}

// A batch larger than a segment could never be stored. The error points at whichever of the
// two keys this object sets (max_message_bytes when it sets both).
void check_message_fits_segment(const Node& object, const std::string& path,
                                const TopicConfig& topic, Diagnostics& diags) {
  if (topic.max_message_bytes <= topic.segment_bytes) return;
  const Node::Entry* max = find_entry(object, "max_message_bytes");
  const Node::Entry* segment = find_entry(object, "segment_bytes");
  if (max != nullptr || segment == nullptr) {
    diags.error(position_of(object, "max_message_bytes"), child_path(path, "max_message_bytes"),
                fmt::format("expected a size of at most segment_bytes ({}) so that a batch fits "
                            "in one segment, found {}",
                            format_size(topic.segment_bytes),
                            max != nullptr ? max->value.describe()
                                           : "'" + format_size(topic.max_message_bytes) + "'"));
    return;
  }
  diags.error(segment->value.position, child_path(path, "segment_bytes"),
              fmt::format("expected a size of at least max_message_bytes ({}) so that a batch "
                          "fits in one segment, found {}",
                          format_size(topic.max_message_bytes), segment->value.describe()));
}

}  // namespace

const ObjectSchema<TopicConfig>& topic_schema() {
  static const ObjectSchema<TopicConfig> schema = [] {
    ObjectSchema<TopicConfig> s;
    s.scalar("partitions", &TopicConfig::partitions, integer_type(1, 10000),
             "number of partitions, 1 to 10000");
    s.scalar("retention", &TopicConfig::retention,
             or_keyword(duration_type(kMinDuration), "forever"),
             "delete segments whose newest record is older than this; forever keeps them");
    s.scalar("retention_bytes", &TopicConfig::retention_bytes,
             or_keyword(size_type(1, UINT64_MAX), "unlimited"),
             "per partition: delete the oldest segments while the partition is larger");
    s.scalar("segment_bytes", &TopicConfig::segment_bytes,
             size_type(kMinSegmentBytes, kMaxSegmentBytes),
             "start a new segment file when the active one would grow past this");
    s.scalar("segment_age", &TopicConfig::segment_age,
             or_keyword(duration_type(kMinDuration), "never"),
             "start a new segment file when the active one is older than this");
    s.scalar("max_message_bytes", &TopicConfig::max_message_bytes, size32_type(kKiB, UINT32_MAX),
             "largest record batch a producer may send");
    s.scalar("flush", &TopicConfig::flush, flush_type(),
             "when appends are fsynced: always, none, or interval(DURATION)");
    s.object("enrich", &TopicConfig::enrich, enrich_schema(),
             "metadata the HTTP gateway adds to each event as record headers");
    s.check(check_message_fits_segment);
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
