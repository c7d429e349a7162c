#include "pipeline/connectors/influxdb/line_protocol.h"

#include <fmt/format.h>

#include "pipeline/event/json.h"

namespace caudal::pipeline::connectors {
namespace {

void append_escaped(std::string_view text, std::string_view special, std::string& out) {
  for (char c : text) {
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    if (special.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
}

}  // namespace

void append_measurement(std::string_view name, std::string& out) { append_escaped(name, ", ", out); }

void append_key(std::string_view key, std::string& out) { append_escaped(key, ",= ", out); }

void append_tag_value(Value value, std::string& out) {
  if (value.is_string()) {
    append_escaped(value.as_string(), ",= ", out);
    return;
  }
  std::string json;
  write_json(value, json);
  append_escaped(json, ",= ", out);
}

void append_field_value(Value value, std::string& out) {
  switch (value.kind()) {
    case ValueKind::kInt:
    case ValueKind::kDouble:
      // Floats, whether the JSON number had a fraction or not: a field's type is fixed by its
      // first point, and a reading sent as 21 and then 21.5 must not conflict.
      fmt::format_to(std::back_inserter(out), "{}", value.as_number());
      return;
    case ValueKind::kBool:
      out.append(value.as_bool() ? "true" : "false");
      return;
    case ValueKind::kTimestamp:
      fmt::format_to(std::back_inserter(out), "{}i", value.as_timestamp());
      return;
    default:
      break;
  }
  std::string text;
  if (value.is_string()) {
    text = std::string(value.as_string());
  } else {
    write_json(value, text);
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace caudal::pipeline::connectors
