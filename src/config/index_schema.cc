#include "config/errc.h"
#include "config/schemas.h"

namespace caudal::config {
namespace {

constexpr Duration kMinRefreshInterval = std::chrono::milliseconds(10);

ValueType<std::string> field_type_type() {
  ValueType<std::string> type;
  type.expected =
      "expected a field type: text, keyword, long, integer, double, float, date, boolean or "
      "geo_point";
  type.parse = [expected = type.expected](std::string_view text) -> Result<std::string> {
    for (std::string_view known : {"text", "keyword", "long", "integer", "short", "double", "float",
                                   "date", "boolean", "geo_point"}) {
      if (text == known) return std::string(text);
    }
    return Status(Errc::kInvalid, expected);
  };
  type.format = [](const std::string& value) { return value; };
  return type;
}

MapKeys field_keys() {
  return MapKeys{
      .expected = "expected a map of field names to field types",
      .expected_key = "expected a field name (dots for nested fields: user.name)",
      .valid_key =
          [](std::string_view name) {
            return !name.empty() && name.front() != '.' && name.back() != '.';
          },
  };
}

}  // namespace

bool is_valid_index_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  if (name.front() == '-' || name.front() == '_' || name.front() == '+') return false;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') return false;
    if (static_cast<unsigned char>(c) <= ' ') return false;
    if (std::string_view("\\/*?\"<>|,#:").find(c) != std::string_view::npos) return false;
  }
  return true;
}

const ObjectSchema<IndexConfig>& index_schema() {
  static const ObjectSchema<IndexConfig> schema = [] {
    ObjectSchema<IndexConfig> s;
    s.scalar("topic", &IndexConfig::topic, topic_name_type(),
             "the topic whose records are the index's documents (created if missing)",
             Presence::kRequired);
    s.scalar("timestamp", &IndexConfig::timestamp, text_type("a field name"),
             "the document field holding the event time (ISO 8601 or epoch millis); documents "
             "without it take their record's timestamp");
    s.scalar_map("mappings", &IndexConfig::mappings, field_keys(), field_type_type(),
                 "explicit field types; other fields' types are inferred from their first value");
    s.optional("retention", &IndexConfig::retention, duration_type(std::chrono::seconds(1)),
               "drop segments whose newest document is older than this");
    s.optional("retention_bytes", &IndexConfig::retention_bytes, size_type(1, UINT64_MAX),
               "drop the oldest segments while the index's files are larger than this");
    s.scalar("refresh_interval", &IndexConfig::refresh_interval, duration_type(kMinRefreshInterval),
             "how often new documents become searchable (a new segment)");
    return s;
  }();
  return schema;
}

}  // namespace caudal::config
