#include "pipeline/event/json.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "pipeline/event/arena.h"
#include "pipeline/event/errc.h"
#include "pipeline/event/timestamp.h"

namespace caudal::pipeline {

const size_t kJsonPadding = simdjson::SIMDJSON_PADDING;

namespace od = simdjson::ondemand;

// The raw text of the current token: a value hands it out directly, a document as a result.
simdjson::error_code raw_token(od::value& value, std::string_view& out) {
  out = value.raw_json_token();
  return simdjson::SUCCESS;
}

simdjson::error_code raw_token(od::document& doc, std::string_view& out) {
  return doc.raw_json_token().get(out);
}

struct JsonReader::Impl {
  od::parser parser;
  // Members and items of the containers being built, as a stack: a container's children are
  // collected here and then copied to the arena at their exact count.
  std::vector<Member> members;
  std::vector<Value> items;
  const char* base = nullptr;
  const char* error_at = nullptr;
  simdjson::error_code error = simdjson::SUCCESS;
  bool too_deep = false;

  bool fail(simdjson::error_code code, const char* at) {
    error = code;
    error_at = at;
    return false;
  }

  bool read_value(od::value value, Arena& arena, size_t depth, Value& out);
  bool read_object(od::object object, Arena& arena, size_t depth, Value& out);
  bool read_array(od::array array, Arena& arena, size_t depth, Value& out);
  template <typename Source>
  bool read_number(Source& source, Arena& arena, Value& out);
  template <typename Source>
  bool read_string(Source& source, Arena& arena, Value& out);
};

template <typename Source>
bool JsonReader::Impl::read_number(Source& source, Arena& /*arena*/, Value& out) {
  od::number number;
  auto error_code = source.get_number().get(number);
  if (error_code == simdjson::SUCCESS) {
    switch (number.get_number_type()) {
      case od::number_type::signed_integer: out = Value::integer(number.get_int64()); return true;
      case od::number_type::unsigned_integer:
        // Beyond int64: a double, like JavaScript and most JSON readers.
        out = Value::real(static_cast<double>(number.get_uint64()));
        return true;
      case od::number_type::floating_point_number: out = Value::real(number.get_double()); return true;
    }
  }
  // Integers too long for 64 bits: read the text as a double.
  std::string_view raw;
  if (raw_token(source, raw) != simdjson::SUCCESS) return fail(error_code, nullptr);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' ||
                          raw.back() == '\t')) {
    raw.remove_suffix(1);
  }
  double parsed = 0;
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), parsed);
  if (ec != std::errc() || end != raw.data() + raw.size() || !std::isfinite(parsed)) {
    return fail(error_code == simdjson::SUCCESS ? simdjson::NUMBER_ERROR : error_code, raw.data());
  }
  out = Value::real(parsed);
  return true;
}

template <typename Source>
bool JsonReader::Impl::read_string(Source& source, Arena& arena, Value& out) {
  std::string_view raw;
  if (auto code = raw_token(source, raw); code != simdjson::SUCCESS) {
    return fail(code, nullptr);
  }
  // The token runs to the next structural character: trim the whitespace after the quote.
  while (!raw.empty() && raw.back() != '"') raw.remove_suffix(1);
  if (raw.size() >= 2) {
    std::string_view inside = raw.substr(1, raw.size() - 2);
    if (std::memchr(inside.data(), '\\', inside.size()) == nullptr) {
      // No escapes: the bytes in the (arena-held) input are the string itself.
      out = Value::string(inside);
      return true;
    }
  }
  std::string_view text;
  if (auto code = source.get_string().get(text); code != simdjson::SUCCESS) {
    return fail(code, raw.data());
  }
  out = Value::string(arena.copy(text));
  return true;
}

bool JsonReader::Impl::read_object(od::object object, Arena& arena, size_t depth, Value& out) {
  size_t start = members.size();
  for (auto field : object) {
    std::string_view key;
    if (auto code = field.unescaped_key().get(key); code != simdjson::SUCCESS) {
      members.resize(start);
      return fail(code, nullptr);
    }
    od::value child;
    Value parsed;
    if (auto code = field.value().get(child); code != simdjson::SUCCESS) {
      members.resize(start);
      return fail(code, nullptr);
    }
    if (!read_value(child, arena, depth + 1, parsed)) {
      members.resize(start);
      return false;
    }
    members.push_back(Member{arena.copy(key), parsed});
  }
  auto count = static_cast<uint32_t>(members.size() - start);
  Object* result = Object::create(arena, count);
  if (count > 0) std::memcpy(static_cast<void*>(result->members), &members[start], sizeof(Member) * count);
  result->size = count;
  members.resize(start);
  out = Value::object(result);
  return true;
}

bool JsonReader::Impl::read_array(od::array array, Arena& arena, size_t depth, Value& out) {
  size_t start = items.size();
  for (auto item : array) {
    od::value child;
    Value parsed;
    if (auto code = item.get(child); code != simdjson::SUCCESS) {
      items.resize(start);
      return fail(code, nullptr);
    }
    if (!read_value(child, arena, depth + 1, parsed)) {
      items.resize(start);
      return false;
    }
    items.push_back(parsed);
  }
  auto count = static_cast<uint32_t>(items.size() - start);
  Array* result = Array::create(arena, count);
  if (count > 0) std::memcpy(static_cast<void*>(result->items), &items[start], sizeof(Value) * count);
  result->size = count;
  items.resize(start);
  out = Value::array(result);
  return true;
}

bool JsonReader::Impl::read_value(od::value value, Arena& arena, size_t depth, Value& out) {
  if (depth > kMaxDepth) {
    too_deep = true;
    return false;
  }
  od::json_type type;
  if (auto code = value.type().get(type); code != simdjson::SUCCESS) return fail(code, nullptr);
  switch (type) {
    case od::json_type::object: {
      od::object object;
      if (auto code = value.get_object().get(object); code != simdjson::SUCCESS) {
        return fail(code, nullptr);
      }
      return read_object(object, arena, depth, out);
    }
    case od::json_type::array: {
      od::array array;
      if (auto code = value.get_array().get(array); code != simdjson::SUCCESS) {
        return fail(code, nullptr);
      }
      return read_array(array, arena, depth, out);
    }
    case od::json_type::string: return read_string(value, arena, out);
    case od::json_type::number: return read_number(value, arena, out);
    case od::json_type::boolean: {
      bool flag = false;
      if (auto code = value.get_bool().get(flag); code != simdjson::SUCCESS) return fail(code, nullptr);
      out = Value::boolean(flag);
      return true;
    }
    case od::json_type::null: {
      if (!value.is_null()) return fail(simdjson::INCORRECT_TYPE, nullptr);
      out = Value::null();
      return true;
    }
  }
  return fail(simdjson::TAPE_ERROR, nullptr);
}

JsonReader::JsonReader() : impl_(std::make_unique<Impl>()) {}

JsonReader::~JsonReader() = default;

Result<Value> JsonReader::read(std::string_view text, Arena& arena) {
  Impl& impl = *impl_;
  impl.error = simdjson::SUCCESS;
  impl.error_at = nullptr;
  impl.too_deep = false;
  impl.members.clear();
  impl.items.clear();

  od::document doc;
  auto code = impl.parser.iterate(simdjson::padded_string_view(text.data(), text.size(),
                                                               text.size() + kJsonPadding))
                  .get(doc);
  Value out;
  bool ok = false;
  // A document that failed to iterate is not usable, not even to ask where it stopped.
  bool have_doc = code == simdjson::SUCCESS;
  if (have_doc) {
    od::json_type type;
    code = doc.type().get(type);
    if (code == simdjson::SUCCESS) {
      switch (type) {
        case od::json_type::object: {
          od::object object;
          code = doc.get_object().get(object);
          ok = code == simdjson::SUCCESS && impl.read_object(object, arena, 1, out);
          break;
        }
        case od::json_type::array: {
          od::array array;
          code = doc.get_array().get(array);
          ok = code == simdjson::SUCCESS && impl.read_array(array, arena, 1, out);
          break;
        }
        case od::json_type::string: ok = impl.read_string(doc, arena, out); break;
        case od::json_type::number: ok = impl.read_number(doc, arena, out); break;
        case od::json_type::boolean: {
          bool flag = false;
          code = doc.get_bool().get(flag);
          ok = code == simdjson::SUCCESS;
          out = Value::boolean(flag);
          break;
        }
        case od::json_type::null: {
          bool is_null = false;
          code = doc.is_null().get(is_null);
          ok = code == simdjson::SUCCESS && is_null;
          if (ok) out = Value::null();
          if (code == simdjson::SUCCESS && !is_null) code = simdjson::N_ATOM_ERROR;
          break;
        }
      }
    }
    // Anything after the value is an error: current_location() only succeeds while there is
    // text left to read.
    const char* rest = nullptr;
    if (ok && doc.current_location().get(rest) == simdjson::SUCCESS) {
      ok = false;
      code = simdjson::TRAILING_CONTENT;
      impl.error_at = rest;
    }
  }
  if (ok) return out;
  if (impl.too_deep) {
    return Status(EventErrc::kTooDeep,
                  fmt::format("JSON nested deeper than {} levels", kMaxDepth));
  }
  if (impl.error != simdjson::SUCCESS) code = impl.error;
  if (code == simdjson::SUCCESS) code = simdjson::TAPE_ERROR;
  const char* at = impl.error_at;
  if (at == nullptr && have_doc) {
    const char* location = nullptr;
    if (doc.current_location().get(location) == simdjson::SUCCESS) at = location;
  }
  if (at != nullptr && at >= text.data() && at <= text.data() + text.size()) {
    return Status(EventErrc::kInvalidJson,
                  fmt::format("invalid JSON at byte {}: {}", at - text.data(),
                              simdjson::error_message(code)));
  }
  return Status(EventErrc::kInvalidJson, fmt::format("invalid JSON: {}", simdjson::error_message(code)));
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
