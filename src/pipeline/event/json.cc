#include "pipeline/event/json.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

#include "common/check.h"
#include "pipeline/event/arena.h"
#include "pipeline/event/errc.h"
#include "pipeline/event/json_decoder.h"
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

// Whether `text` holds a byte JSON must escape, a word at a time (overlapping words for the
// tail, never reading outside the text).
bool needs_escaping(std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  auto load = [](const char* at) {
    uint64_t word;
    __builtin_memcpy(&word, at, 8);
    return word;
  };
  if (n >= 8) {
    for (size_t k = 0; k + 8 < n; k += 8) {
      if (json_detail::bytes_to_escape(load(p + k)) != 0) return true;
    }
    return json_detail::bytes_to_escape(load(p + n - 8)) != 0;
  }
  uint64_t word = 0x2020202020202020ull;  // spaces: nothing to escape
  if (n >= 4) {
    uint32_t head;
    uint32_t tail;
    __builtin_memcpy(&head, p, 4);
    __builtin_memcpy(&tail, p + n - 4, 4);
    word = head | (uint64_t{tail} << 32);
  } else {
    for (size_t i = 0; i < n; ++i) {
      word = (word & ~(uint64_t{0xff} << (8 * i))) |
             (uint64_t{static_cast<uint8_t>(p[i])} << (8 * i));
    }
  }
  return json_detail::bytes_to_escape(word) != 0;
}

}  // namespace

void write_json_string(std::string_view text, std::string& out) {
  const bool plain = !needs_escaping(text);
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

void write_json_member(std::string_view key, Value value, bool comma, std::string& out) {
  // Composed here and appended once: a std::string append costs more than the few bytes.
  constexpr size_t kRoom = 128;
  char text[kRoom];
  size_t size = 0;
  auto put = [&](std::string_view piece) {
    __builtin_memcpy(text + size, piece.data(), piece.size());
    size += piece.size();
  };
  if (key.size() + 4 > kRoom || needs_escaping(key)) {
    if (comma) out.push_back(',');
    write_json_string(key, out);
    out.push_back(':');
    write_json(value, out);
    return;
  }
  if (comma) text[size++] = ',';
  text[size++] = '"';
  put(key);
  text[size++] = '"';
  text[size++] = ':';
  if (value.is_string() && size + value.as_string().size() + 2 <= kRoom &&
      !needs_escaping(value.as_string())) {
    text[size++] = '"';
    put(value.as_string());
    text[size++] = '"';
    out.append(text, size);
    return;
  }
  out.append(text, size);
  write_json(value, out);
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
