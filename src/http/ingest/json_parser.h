// JsonParser: simdjson's DOM parser (runtime-dispatched to the fastest kernels of the CPU)
// validating one event at a time, plus an exact location for the events it refuses.
//
// One per thread (for_this_thread()): the parser keeps its buffers between events, so parsing
// allocates only when an event is bigger than any before it on that thread.
#pragma once

#include <optional>
#include <simdjson.h>
#include <string_view>

#include "http/ingest/json_text.h"

namespace caudal::http {

struct JsonParse {
  simdjson::dom::element value;        // valid until the next parse on the same parser
  std::optional<JsonProblem> problem;  // set when the text is not valid JSON; offset into it
};

class JsonParser {
 public:
  static JsonParser& for_this_thread();

  // Parses `text`, which must be followed by simdjson::SIMDJSON_PADDING readable bytes (a view
  // into a PaddedBody is). Strict RFC 8259 and UTF-8, as simdjson checks them.
  JsonParse parse(std::string_view text);

 private:
  simdjson::dom::parser parser_;
};

}  // namespace caudal::http
