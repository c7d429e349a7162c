// JsonWriter: builds the JSON text of responses by appending to one string, so a response of
// thousands of _bulk items costs no allocation per item. Keys and strings are escaped; the
// caller supplies well-formed nesting (unbalanced use is a programming error, checked).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/container/small_vector.hpp>

#include "common/json_string.h"

namespace caudal::http {

// Appends `number` in decimal: std::to_chars, so no locale, no format parsing, no allocation
// beyond the string's own growth.
template <typename Integer>
void append_decimal(std::string& out, Integer number) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof(digits), number).ptr);
}

class JsonWriter {
 public:
  // Room for a typical small answer up front, so it is written without regrowing the text.
  JsonWriter() { out_.reserve(256); }

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
  JsonWriter& value(bool flag);
  // Already-serialized JSON, inserted as one value.
  JsonWriter& raw(std::string_view json);

  // The text written; the writer is empty afterwards. Precondition: every container closed.
  std::string take();

 private:
  void before_value();

  std::string out_;
  // Per open container, whether it has an item yet. Inline for the nesting responses use, so
  // writing a response allocates only its text.
  boost::container::small_vector<bool, 8> has_items_;
  bool after_key_ = false;
};

}  // namespace caudal::http
