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

const size_t kJsonPadding = simdjson::SIMDJSON_PADDING;

namespace dom = simdjson::dom;

// simdjson's DOM parser (stage 1 and 2 in the CPU's fastest kernels, chosen at run time), then
// one walk of its tape into Values. Strings are copied to the arena: the parser reuses its
// string buffer for the next document.
struct JsonReader::Impl {
  dom::parser parser;

  Impl() {
    // The depth limit is enforced by simdjson itself (DEPTH_ERROR), before any walk.
    CAUDAL_CHECK(parser.allocate(64 * 1024, kMaxDepth) == simdjson::SUCCESS,
                 "allocating the JSON parser");
  }

  // The root object with only the members `projection` names.
  static Value convert_projected(dom::object object, const Projection& projection,
                                 Arena& arena) {
    Object* result =
        Object::create(arena, static_cast<uint32_t>(projection.keys().size()));
    for (dom::key_value_pair member : object) {
      if (!projection.contains(member.key)) continue;
      result->append(arena, arena.copy(member.key), convert(member.value, arena));
    }
    return Value::object(result);
  }

  static Value convert(dom::element element, Arena& arena) {
    switch (element.type()) {
      case dom::element_type::OBJECT: {
        dom::object object = element.get_object().value_unsafe();
        // size() saturates for huge objects; append() grows past it when it must.
        Object* result = Object::create(arena, static_cast<uint32_t>(object.size()));
        for (dom::key_value_pair member : object) {
          result->append(arena, arena.copy(member.key), convert(member.value, arena));
        }
        return Value::object(result);
      }
      case dom::element_type::ARRAY: {
        dom::array array = element.get_array().value_unsafe();
        Array* result = Array::create(arena, static_cast<uint32_t>(array.size()));
        for (dom::element item : array) result->push_back(arena, convert(item, arena));
        return Value::array(result);
      }
      case dom::element_type::STRING:
        return Value::string(arena.copy(element.get_string().value_unsafe()));
      case dom::element_type::INT64: return Value::integer(element.get_int64().value_unsafe());
      // Beyond int64: a double, like JavaScript and most JSON readers.
      case dom::element_type::UINT64:
        return Value::real(static_cast<double>(element.get_uint64().value_unsafe()));
      case dom::element_type::DOUBLE: return Value::real(element.get_double().value_unsafe());
      case dom::element_type::BOOL: return Value::boolean(element.get_bool().value_unsafe());
      case dom::element_type::NULL_VALUE: return Value::null();
    }
    return Value::null();
  }
};

JsonReader::JsonReader() : impl_(std::make_unique<Impl>()) {}

JsonReader::~JsonReader() = default;

Result<Value> JsonReader::read(std::string_view text, Arena& arena,
                               const Projection* projection) {
  dom::element root;
  auto code = impl_->parser
                  .parse(reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                         /*realloc_if_needed=*/false)
                  .get(root);
  if (code == simdjson::SUCCESS) {
    if (projection != nullptr && !projection->everything() &&
        root.type() == dom::element_type::OBJECT) {
      return Impl::convert_projected(root.get_object().value_unsafe(), *projection, arena);
    }
    return Impl::convert(root, arena);
  }
  if (code == simdjson::DEPTH_ERROR) {
    return Status(EventErrc::kTooDeep, fmt::format("JSON nested deeper than {} levels", kMaxDepth));
  }
  return Status(EventErrc::kInvalidJson,
                fmt::format("invalid JSON: {}", simdjson::error_message(code)));
}

void append_json_escaped(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(text.data() + run, text.size() - run);
}

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
    case ValueKind::kString:
      out.push_back('"');
      append_json_escaped(value.as_string(), out);
      out.push_back('"');
      return;
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
        out.push_back('"');
        append_json_escaped(m.key, out);
        out += "\":";
        write_json(m.value, out);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace caudal::pipeline
