#include "http/ingest/key_path.h"

#include <fmt/format.h>

#include "http/errc.h"

namespace caudal::http {

Result<KeyPath> KeyPath::parse(std::string_view text) {
  KeyPath path;
  path.text_ = std::string(text);
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    const std::string_view field = text.substr(start, dot - start);
    if (field.empty()) {
      return Status(Errc::kInvalidRequest,
                    fmt::format("key path '{}' has an empty field name; write fields separated by "
                                "single dots, such as device.id",
                                text));
    }
    path.fields_.emplace_back(field);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return path;
}

bool KeyPath::extract(simdjson::dom::element event, std::string& key) const {
  simdjson::dom::element at = event;
  for (const std::string& field : fields_) {
    simdjson::dom::object object;
    if (at.get_object().get(object)) return false;
    if (object.at_key(field).get(at)) return false;
  }
  key.clear();
  switch (at.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return false;
    case simdjson::dom::element_type::STRING: key.assign(at.get_string().value_unsafe()); break;
    case simdjson::dom::element_type::INT64:
      fmt::format_to(std::back_inserter(key), "{}", at.get_int64().value_unsafe());
      break;
    case simdjson::dom::element_type::UINT64:
      fmt::format_to(std::back_inserter(key), "{}", at.get_uint64().value_unsafe());
      break;
    case simdjson::dom::element_type::DOUBLE:
      fmt::format_to(std::back_inserter(key), "{}", at.get_double().value_unsafe());
      break;
    case simdjson::dom::element_type::BOOL:
      key.assign(at.get_bool().value_unsafe() ? "true" : "false");
      break;
    case simdjson::dom::element_type::OBJECT:
    case simdjson::dom::element_type::ARRAY: key = simdjson::minify(at); break;
  }
  return true;
}

}  // namespace caudal::http
