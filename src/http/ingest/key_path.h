// KeyPath: the `?key=device.id` parameter of the native ingest API, a dotted path of object
// fields whose value becomes each event's Kafka key (so events of one device land in one
// partition, in order).
#pragma once

#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace caudal::http {

class KeyPath {
 public:
  // Fields separated by '.'; each at least one character (a field whose name contains '.'
  // cannot be addressed). http::Errc::kInvalidRequest otherwise.
  static Result<KeyPath> parse(std::string_view text);

  const std::string& text() const { return text_; }

  // Sets `key` to the key of `event`: a string as its characters (unescaped), a number as
  // its shortest decimal form, true/false, an object or array as minified JSON. Returns false
  // (no key: the event is not keyed) when a field on the path is missing, a step is not an
  // object, or the value is null.
  bool extract(simdjson::dom::element event, std::string& key) const;

 private:
  std::string text_;
  std::vector<std::string> fields_;
};

}  // namespace caudal::http
