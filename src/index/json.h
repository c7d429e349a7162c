// Json: the JSON values the index reads (documents, request bodies) and writes (responses).
// A small DOM whose values remember where they started in the text (line and column, 1-based,
// as Elasticsearch reports them in parsing_exception), so a query error can point at the
// offending token. Objects keep their keys in document order (responses are written in the
// order Elasticsearch writes them; duplicate keys in input: the last one wins on lookup).
//
// parse_json() takes untrusted text: it bounds nesting depth, checks UTF-8 escapes and never
// throws. Plain value type, no sharing: copy or move it like a std::string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json_string.h"
#include "common/result.h"

namespace caudal::index {

class Json {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kString, kArray, kObject };
  using Member = std::pair<std::string, Json>;

  Json() = default;
  static Json null() { return Json(); }
  static Json boolean(bool value);
  static Json integer(int64_t value);
  static Json number(double value);  // written without a fraction when it has none
  static Json string(std::string value);
  static Json array();
  static Json object();

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kDouble; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool as_bool() const { return bool_; }
  int64_t as_int() const { return kind_ == Kind::kInt ? int_ : static_cast<int64_t>(double_); }
  double as_double() const { return kind_ == Kind::kInt ? static_cast<double>(int_) : double_; }
  const std::string& as_string() const { return string_; }
  const std::vector<Json>& items() const { return items_; }
  std::vector<Json>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }

  // Object member lookup (the last of equal keys); null when absent or not an object.
  const Json* find(std::string_view key) const;
  // Appends to an array / object and returns the new value.
  Json& push(Json value);
  Json& set(std::string key, Json value);

  // Where the value started in the parsed text; 0 for values built in code.
  uint32_t line() const { return line_; }
  uint32_t column() const { return column_; }
  // "[line:col]" as Elasticsearch prefixes its parsing errors.
  std::string where() const;

  // Compact JSON text; `pretty` indents by two spaces as Elasticsearch's ?pretty does.
  std::string dump(bool pretty = false) const;
  void dump_to(std::string& out, bool pretty = false, int depth = 0) const;

  // The kind's name as Elasticsearch's messages call it (VALUE_STRING, START_OBJECT, ...).
  std::string_view token_name() const;

 private:
  friend class JsonParser;
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  int64_t int_ = 0;
  double double_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<Member> members_;
  uint32_t line_ = 0;
  uint32_t column_ = 0;
};

// Parses exactly one JSON value (surrounding whitespace allowed). Errors are Errc::kParsing
// with "[line:col] what was wrong".
Result<Json> parse_json(std::string_view text);
// The same into `out`, reusing the storage `out` holds from an earlier parse (its strings,
// arrays and objects), so a caller parsing many similar documents into one Json allocates
// almost nothing per document. On an error `out` holds some unspecified value.
Status parse_json_into(std::string_view text, Json& out);

}  // namespace caudal::index
