#include "http/json_writer.h"

#include "common/check.h"

namespace caudal::http {

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_items_.empty()) {
    if (has_items_.back()) out_ += ',';
    has_items_.back() = true;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  CAUDAL_CHECK(!has_items_.empty() && !after_key_, "JsonWriter: end_object without an object");
  has_items_.pop_back();
  out_ += '}';
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  has_items_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  CAUDAL_CHECK(!has_items_.empty() && !after_key_, "JsonWriter: end_array without an array");
  has_items_.pop_back();
  out_ += ']';
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  CAUDAL_CHECK(!has_items_.empty() && !after_key_, "JsonWriter: key outside an object");
  before_value();
  out_ += '"';
  append_json_escaped(out_, name);
  out_ += "\":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  out_ += '"';
  append_json_escaped(out_, text);
  out_ += '"';
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
  before_value();
  append_decimal(out_, number);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t number) {
  before_value();
  append_decimal(out_, number);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

std::string JsonWriter::take() {
  CAUDAL_CHECK(has_items_.empty() && !after_key_, "JsonWriter: take() with open containers");
  std::string out = std::move(out_);
  out_.clear();
  return out;
}

}  // namespace caudal::http
