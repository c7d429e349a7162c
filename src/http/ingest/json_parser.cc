#include "http/ingest/json_parser.h"

#include <fmt/format.h>

namespace caudal::http {

JsonParser& JsonParser::for_this_thread() {
  thread_local JsonParser parser;
  return parser;
}

JsonParse JsonParser::parse(std::string_view text) {
  JsonParse out;
  simdjson::error_code error = parser_.parse(text.data(), text.size(), false).get(out.value);
  if (!error) return out;
  out.problem = find_json_problem(text);
  if (!out.problem.has_value()) {
    // Refused by simdjson for a reason the locator does not model (a number out of the range
    // of a double, say): say what simdjson says, at the start of the text.
    out.problem = JsonProblem{0, Errc::kInvalidJson, simdjson::error_message(error)};
  }
  return out;
}

}  // namespace caudal::http
