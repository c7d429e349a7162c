#include "http/ingest/json_events.h"

#include <fmt/format.h>

#include "common/check.h"
#include "http/errc.h"
#include "http/ingest/json_parser.h"
#include "http/ingest/ndjson.h"

namespace caudal::http {
namespace {

Status at_line(size_t line, size_t column, const JsonProblem& problem) {
  return Status(problem.code, fmt::format("line {}, column {}: {}", line, column, problem.what));
}

Status in_event(size_t line, const Status& error) {
  return error.with_context(fmt::format("line {}", line));
}

Status json_body(const PaddedBody& body, FunctionRef<Status(const JsonEvent&)> on_event) {
  const std::string_view text = body.view();
  JsonParse parsed = JsonParser::for_this_thread().parse(text);
  if (parsed.problem.has_value()) {
    const TextPosition where = position_of(text, parsed.problem->offset);
    return at_line(where.line, where.column, *parsed.problem);
  }
  const std::string_view value = trim_json_space(text);
  const size_t first_line = position_of(text, static_cast<size_t>(value.data() - text.data())).line;
  simdjson::dom::array array;
  if (parsed.value.get_array().get(array)) {
    if (!parsed.value.is_object()) {
      return Status(Errc::kInvalidRequest,
                    fmt::format("line {}: expected a JSON object or an array of events, found a "
                                "JSON {}; send other values one per line as application/x-ndjson",
                                first_line, value.front() == '"' ? "string" : "scalar"));
    }
    Status status = on_event(JsonEvent{value, parsed.value, first_line});
    return status.ok() ? status : in_event(first_line, status);
  }
  const std::vector<std::string_view> elements = array_elements(value);
  if (elements.empty()) {
    return Status(Errc::kEmptyBody, "the JSON array holds no events");
  }
  CAUDAL_CHECK(elements.size() == array.size(),
               "array_elements and simdjson disagree on the elements of a valid array");
  size_t index = 0;
  size_t line = 1;
  size_t counted_to = 0;  // newlines before this offset are in `line`
  for (simdjson::dom::element element : array) {
    const std::string_view event = elements[index++];
    const auto offset = static_cast<size_t>(event.data() - text.data());
    for (; counted_to < offset; ++counted_to) line += text[counted_to] == '\n' ? 1 : 0;
    Status status = on_event(JsonEvent{event, element, line});
    if (!status.ok()) return in_event(line, status);
  }
  return Status();
}

Status ndjson_body(const PaddedBody& body,
                   FunctionRef<Status(const JsonEvent&)> on_event) {
  NdjsonLines lines(body.view());
  JsonParser& parser = JsonParser::for_this_thread();
  size_t events = 0;
  while (std::optional<NdjsonLine> line = lines.next()) {
    const std::string_view event = trim_json_space(line->text);
    JsonParse parsed = parser.parse(line->text);
    if (parsed.problem.has_value()) {
      return at_line(line->number, parsed.problem->offset + 1, *parsed.problem);
    }
    Status status = on_event(JsonEvent{event, parsed.value, line->number});
    if (!status.ok()) return in_event(line->number, status);
    ++events;
  }
  if (events == 0) return Status(Errc::kEmptyBody, "the body holds no events, only blank lines");
  return Status();
}

}  // namespace

Result<EventFormat> event_format(std::string_view media_type) {
  if (media_type_is(media_type, "application/json")) return EventFormat::kJson;
  if (media_type_is(media_type, "application/x-ndjson") ||
      media_type_is(media_type, "application/ndjson") ||
      media_type_is(media_type, "application/jsonl")) {
    return EventFormat::kNdjson;
  }
  return Status(Errc::kUnsupportedMediaType,
                fmt::format("Content-Type '{}' is not accepted here; send application/json (an "
                            "object or an array of events) or application/x-ndjson (one event "
                            "per line)",
                            media_type.empty() ? "(none)" : media_type));
}

Status for_each_event(const PaddedBody& body, EventFormat format,
                      FunctionRef<Status(const JsonEvent&)> on_event) {
  if (trim_json_space(body.view()).empty()) {
    return Status(Errc::kEmptyBody, "the request body is empty; send events");
  }
  return format == EventFormat::kJson ? json_body(body, on_event) : ndjson_body(body, on_event);
}

}  // namespace caudal::http
