#include "index/json.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "index/errc.h"

namespace caudal::index {

Json Json::boolean(bool value) {
  Json json;
  json.kind_ = Kind::kBool;
  json.bool_ = value;
  return json;
}

Json Json::integer(int64_t value) {
  Json json;
  json.kind_ = Kind::kInt;
  json.int_ = value;
  return json;
}

Json Json::number(double value) {
  Json json;
  json.kind_ = Kind::kDouble;
  json.double_ = value;
  return json;
}

Json Json::string(std::string value) {
  Json json;
  json.kind_ = Kind::kString;
  json.string_ = std::move(value);
  return json;
}

Json Json::array() {
  Json json;
  json.kind_ = Kind::kArray;
  return json;
}

Json Json::object() {
  Json json;
  json.kind_ = Kind::kObject;
  return json;
}

const Json* Json::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

Json& Json::push(Json value) {
  items_.push_back(std::move(value));
  return items_.back();
}

Json& Json::set(std::string key, Json value) {
  members_.emplace_back(std::move(key), std::move(value));
  return members_.back().second;
}

std::string Json::where() const {
  return fmt::format("[{}:{}]", line_, column_);
}

std::string_view Json::token_name() const {
  switch (kind_) {
    case Kind::kNull: return "VALUE_NULL";
    case Kind::kBool: return "VALUE_BOOLEAN";
    case Kind::kInt:
    case Kind::kDouble: return "VALUE_NUMBER";
    case Kind::kString: return "VALUE_STRING";
    case Kind::kArray: return "START_ARRAY";
    case Kind::kObject: return "START_OBJECT";
  }
  return "VALUE_NULL";
}

namespace {
void newline(std::string& out, bool pretty, int depth) {
  if (!pretty) return;
  out.push_back('\n');
  out.append(static_cast<size_t>(depth) * 2, ' ');
}
}  // namespace

void Json::dump_to(std::string& out, bool pretty, int depth) const {
  switch (kind_) {
    case Kind::kNull: out += "null"; return;
    case Kind::kBool: out += bool_ ? "true" : "false"; return;
    case Kind::kInt: out += std::to_string(int_); return;
    case Kind::kDouble: {
      if (!std::isfinite(double_)) {
        out += "null";
      } else if (double_ == std::floor(double_) && std::fabs(double_) < 1e15) {
        out += fmt::format("{:.1f}", double_);
      } else {
        out += fmt::format("{}", double_);
      }
      return;
    }
    case Kind::kString: append_json_string(out, string_); return;
    case Kind::kArray: {
      if (items_.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i > 0) out.push_back(',');
        newline(out, pretty, depth + 1);
        items_[i].dump_to(out, pretty, depth + 1);
      }
      newline(out, pretty, depth);
      out.push_back(']');
      return;
    }
    case Kind::kObject: {
      if (members_.empty()) {
        out += "{}";
        return;
      }
      out.push_back('{');
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i > 0) out.push_back(',');
        newline(out, pretty, depth + 1);
        append_json_string(out, members_[i].first);
        out += pretty ? " : " : ":";
        members_[i].second.dump_to(out, pretty, depth + 1);
      }
      newline(out, pretty, depth);
      out.push_back('}');
      return;
    }
  }
}

std::string Json::dump(bool pretty) const {
  std::string out;
  dump_to(out, pretty, 0);
  return out;
}

// Recursive descent over the text; tracks line and column for every value.
class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  Status parse_document(Json& value) {
    skip_space();
    CAUDAL_RETURN_IF_ERROR(parse_value(value, 0));
    skip_space();
    if (pos_ != text_.size()) return error("unexpected text after the JSON value");
    return Status();
  }

 private:
  static constexpr int kMaxDepth = 200;

  Status error(std::string_view what) const {
    return Status(Errc::kParsing, fmt::format("[{}:{}] {}", line_, pos_ - line_start_ + 1, what));
  }

  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        line_start_ = ++pos_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  // Makes `out` an empty value of `kind`, keeping the storage it holds for reuse: its string's
  // buffer always, its elements (each reused in turn) when it becomes an array or object.
  static void reset(Json& out, Json::Kind kind) {
    out.kind_ = kind;
    out.bool_ = false;
    out.int_ = 0;
    out.double_ = 0;
    out.string_.clear();
    if (kind != Json::Kind::kArray) out.items_.clear();
    if (kind != Json::Kind::kObject) out.members_.clear();
  }

  Status parse_value(Json& out, int depth) {
    if (depth > kMaxDepth) return error("JSON nested too deeply");
    if (pos_ >= text_.size()) return error("unexpected end of input, expected a value");
    out.line_ = line_;
    out.column_ = static_cast<uint32_t>(pos_ - line_start_ + 1);
    const char c = text_[pos_];
    if (c == '{') return parse_object(out, depth);
    if (c == '[') return parse_array(out, depth);
    if (c == '"') {
      reset(out, Json::Kind::kString);
      return parse_string(out.string_);
    }
    if (c == 't' && text_.substr(pos_, 4) == "true") {
      pos_ += 4;
      reset(out, Json::Kind::kBool);
      out.bool_ = true;
      return Status();
    }
    if (c == 'f' && text_.substr(pos_, 5) == "false") {
      pos_ += 5;
      reset(out, Json::Kind::kBool);
      return Status();
    }
    if (c == 'n' && text_.substr(pos_, 4) == "null") {
      pos_ += 4;
      reset(out, Json::Kind::kNull);
      return Status();
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
    return error(fmt::format("unexpected character '{}'", c));
  }

  Status parse_object(Json& out, int depth) {
    reset(out, Json::Kind::kObject);
    // Members are parsed into those `out` already has, then the rest are dropped.
    size_t count = 0;
    auto finish = [&] {
      out.members_.resize(count);
      return Status();
    };
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return finish();
    }
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') return error("expected a field name");
      if (count == out.members_.size()) out.members_.emplace_back();
      Json::Member& member = out.members_[count++];
      member.first.clear();
      CAUDAL_RETURN_IF_ERROR(parse_string(member.first));
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':')
        return error("expected ':' after a field name");
      ++pos_;
      skip_space();
      CAUDAL_RETURN_IF_ERROR(parse_value(member.second, depth + 1));
      skip_space();
      if (pos_ >= text_.size()) return error("unexpected end of input in an object");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == '}') {
        ++pos_;
        return finish();
      }
      return error("expected ',' or '}' in an object");
    }
  }

  Status parse_array(Json& out, int depth) {
    reset(out, Json::Kind::kArray);
    size_t count = 0;
    auto finish = [&] {
      out.items_.resize(count);
      return Status();
    };
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return finish();
    }
    for (;;) {
      skip_space();
      if (count == out.items_.size()) out.items_.emplace_back();
      CAUDAL_RETURN_IF_ERROR(parse_value(out.items_[count++], depth + 1));
      skip_space();
      if (pos_ >= text_.size()) return error("unexpected end of input in an array");
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (text_[pos_] == ']') {
        ++pos_;
        return finish();
      }
      return error("expected ',' or ']' in an array");
    }
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Result<uint32_t> hex4() {
    if (pos_ + 4 > text_.size()) return error("truncated \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return error("bad hex digit in a \\u escape");
    }
    return value;
  }

  Status parse_string(std::string& out) {
    ++pos_;  // the opening quote
    for (;;) {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\\' &&
             static_cast<unsigned char>(text_[pos_]) >= 0x20) {
        ++pos_;
      }
      out.append(text_.substr(start, pos_ - start));
      if (pos_ >= text_.size()) return error("unterminated string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return Status();
      }
      if (c != '\\') return error("control character in a string");
      ++pos_;
      if (pos_ >= text_.size()) return error("unterminated string");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          CAUDAL_ASSIGN_OR_RETURN(uint32_t cp, hex4());
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') {
              return error("unpaired surrogate in a \\u escape");
            }
            pos_ += 2;
            CAUDAL_ASSIGN_OR_RETURN(uint32_t low, hex4());
            if (low < 0xDC00 || low > 0xDFFF) return error("unpaired surrogate in a \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return error("unpaired surrogate in a \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default: return error(fmt::format("bad escape '\\{}'", e));
      }
    }
  }

  Status parse_number(Json& out) {
    const size_t start = pos_;
    bool is_float = false;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c >= '0' && c <= '9') {
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        is_float = true;
        ++pos_;
      } else {
        break;
      }
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    if (!is_float) {
      int64_t value = 0;
      auto [ptr, ec] = std::from_chars(first, last, value);
      if (ec == std::errc() && ptr == last) {
        reset(out, Json::Kind::kInt);
        out.int_ = value;
        return Status();
      }
    }
    double value = 0;
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last) {
      return error(fmt::format("malformed number '{}'", text_.substr(start, pos_ - start)));
    }
    reset(out, Json::Kind::kDouble);
    out.double_ = value;
    return Status();
  }

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

Result<Json> parse_json(std::string_view text) {
  Json value;
  CAUDAL_RETURN_IF_ERROR(JsonParser(text).parse_document(value));
  return value;
}

Status parse_json_into(std::string_view text, Json& out) {
  return JsonParser(text).parse_document(out);
}

}  // namespace caudal::index
