#include "pipeline/event/json.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

#include "common/check.h"
#include "pipeline/event/arena.h"
#include "pipeline/event/errc.h"
#include "pipeline/event/projection.h"
#include "pipeline/event/timestamp.h"

namespace caudal::pipeline {

namespace {

void write_double(double number, std::string& out) {
  if (!std::isfinite(number)) {
    out += "null";
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), number);
  std::string_view text(buffer, end - buffer);
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

}  // namespace

void write_json_string(std::string_view text, std::string& out) {
  bool plain = true;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    plain &= byte >= 0x20 && byte != '"' && byte != '\\';
  }
  // Appended as it is, not through a buffer of our own: a copy of bounded size is inlined as
  // `rep movsq`, slower for a few bytes than the library's memcpy.
  out.push_back('"');
  if (plain) {
    out.append(text);
  } else {
    append_json_escaped(out, text);
  }
  out.push_back('"');
}

void write_json(Value value, std::string& out) {
  switch (value.kind()) {
    case ValueKind::kMissing:
    case ValueKind::kNull: out += "null"; return;
    case ValueKind::kBool: out += value.as_bool() ? "true" : "false"; return;
    case ValueKind::kInt: {
      char buffer[24];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value.as_int());
      out.append(buffer, end);
      return;
    }
    case ValueKind::kDouble: write_double(value.as_double(), out); return;
    case ValueKind::kString: write_json_string(value.as_string(), out); return;
    case ValueKind::kTimestamp:
      out.push_back('"');
      append_iso8601(value.as_timestamp(), out);
      out.push_back('"');
      return;
    case ValueKind::kArray: {
      out.push_back('[');
      bool first = true;
      for (Value item : *value.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        write_json(item, out);
      }
      out.push_back(']');
      return;
    }
    case ValueKind::kObject: {
      if (!value.as_object()->rendered.empty()) {
        out.append(value.as_object()->rendered);
        return;
      }
      out.push_back('{');
      bool first = true;
      for (const Member& m : *value.as_object()) {
        if (!first) out.push_back(',');
        first = false;
        write_json_string(m.key, out);
        out.push_back(':');
        write_json(m.value, out);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace caudal::pipeline
