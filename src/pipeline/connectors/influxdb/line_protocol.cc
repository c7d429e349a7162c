#include "pipeline/connectors/influxdb/line_protocol.h"

#include <array>
#include <charconv>
#include <cmath>

#include "pipeline/connectors/errc.h"
#include "pipeline/event/json.h"

namespace caudal::pipeline::connectors {
namespace {

// The bytes that take a backslash in one context of the protocol (a line break is written
// `\n` wherever it is escaped).
using EscapeSet = std::array<bool, 256>;

constexpr EscapeSet escape_set(std::string_view special) {
  EscapeSet set{};
  for (char c : special) set[static_cast<unsigned char>(c)] = true;
  return set;
}

constexpr EscapeSet kMeasurement = escape_set(", \n");
constexpr EscapeSet kKey = escape_set(",= \n");
constexpr EscapeSet kStringField = escape_set("\"\\");

void append_escaped(std::string_view text, const EscapeSet& special, std::string& out) {
  size_t clean = 0;
  while (clean < text.size() && !special[static_cast<unsigned char>(text[clean])]) ++clean;
  out.append(text.data(), clean);
  for (size_t i = clean; i < text.size(); ++i) {
    const char c = text[i];
    if (!special[static_cast<unsigned char>(c)]) {
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back('\\');
      out.push_back(c);
    }
  }
}

// Escapes what was appended to `out` from `begin` on (JSON written straight into it), in
// place when nothing needs it.
void escape_tail(size_t begin, const EscapeSet& special, std::string& out) {
  size_t i = begin;
  while (i < out.size() && !special[static_cast<unsigned char>(out[i])]) ++i;
  if (i == out.size()) return;
  const std::string tail = out.substr(begin);
  out.resize(begin);
  append_escaped(tail, special, out);
}

template <typename Number>
void append_number(Number number, std::string& out) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), number);
  out.append(buffer, end);
}

}  // namespace

void append_measurement(std::string_view name, std::string& out) { append_escaped(name, kMeasurement, out); }

void append_key(std::string_view key, std::string& out) { append_escaped(key, kKey, out); }

void append_tag_value(Value value, std::string& out) {
  if (value.is_string()) {
    append_escaped(value.as_string(), kKey, out);
    return;
  }
  const size_t begin = out.size();
  write_json(value, out);
  escape_tail(begin, kKey, out);
}

Status append_field_value(Value value, std::string& out) {
  switch (value.kind()) {
    case ValueKind::kInt:
    case ValueKind::kDouble: {
      // Floats, whether the JSON number had a fraction or not: a field's type is fixed by its
      // first point, and a reading sent as 21 and then 21.5 must not conflict.
      const double number = value.as_number();
      if (!std::isfinite(number)) {
        return Status(ConnectorErrc::kRejected, "InfluxDB takes no NaN or infinite field value");
      }
      append_number(number, out);
      return Status();
    }
    case ValueKind::kBool:
      out.append(value.as_bool() ? "true" : "false");
      return Status();
    case ValueKind::kTimestamp:
      append_number(value.as_timestamp(), out);
      out.push_back('i');
      return Status();
    default:
      break;
  }
  out.push_back('"');
  if (value.is_string()) {
    append_escaped(value.as_string(), kStringField, out);
  } else {
    const size_t begin = out.size();
    write_json(value, out);
    escape_tail(begin, kStringField, out);
  }
  out.push_back('"');
  return Status();
}

void append_nanoseconds(int64_t nanos, std::string& out) { append_number(nanos, out); }

}  // namespace caudal::pipeline::connectors
