#include "http/ingest/hec_parser.h"

#include <charconv>

#include <fmt/format.h>

#include "http/ingest/json_parser.h"
#include "http/ingest/ndjson.h"

namespace caudal::http {
namespace {

HecProblem problem(HecCode code, size_t event_number, std::string reason) {
  return HecProblem{code, event_number, fmt::format("event {}: {}", event_number, reason)};
}

bool is_epoch_seconds(simdjson::dom::element time) {
  if (time.is_number()) return true;
  std::string_view text;
  if (time.get_string().get(text) || text.empty()) return false;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

// Checks one event object; fills `event.index`.
std::optional<HecProblem> check_event(simdjson::dom::object object, size_t number,
                                      HecEvent& event) {
  simdjson::dom::element value;
  if (object.at_key("event").get(value)) {
    return problem(HecCode::kEventFieldRequired, number, "the object has no \"event\" field");
  }
  std::string_view text;
  if (value.is_null() || (!value.get_string().get(text) && text.empty())) {
    return problem(HecCode::kEventFieldBlank, number, "\"event\" is empty");
  }
  simdjson::dom::element field;
  if (!object.at_key("index").get(field)) {
    std::string_view index;
    if (field.get_string().get(index)) {
      return problem(HecCode::kInvalidDataFormat, number, "\"index\" must be a string");
    }
    event.index = std::string(index);
  }
  if (!object.at_key("time").get(field) && !is_epoch_seconds(field)) {
    return problem(HecCode::kInvalidDataFormat, number,
                   "\"time\" must be epoch seconds, as a number or a numeric string");
  }
  if (!object.at_key("fields").get(field) && !field.is_object()) {
    return problem(HecCode::kIndexedFieldsError, number, "\"fields\" must be an object");
  }
  return std::nullopt;
}

}  // namespace

HecStatus hec_status(HecCode code) {
  switch (code) {
    case HecCode::kSuccess: return {StatusCode::ok, "Success"};
    case HecCode::kTokenDisabled: return {StatusCode::forbidden, "Token disabled"};
    case HecCode::kTokenRequired: return {StatusCode::unauthorized, "Token is required"};
    case HecCode::kInvalidAuthorization: return {StatusCode::unauthorized, "Invalid authorization"};
    case HecCode::kInvalidToken: return {StatusCode::forbidden, "Invalid token"};
    case HecCode::kNoData: return {StatusCode::bad_request, "No data"};
    case HecCode::kInvalidDataFormat: return {StatusCode::bad_request, "Invalid data format"};
    case HecCode::kIncorrectIndex: return {StatusCode::bad_request, "Incorrect index"};
    case HecCode::kInternalError:
      return {StatusCode::internal_server_error, "Internal server error"};
    case HecCode::kServerBusy: return {StatusCode::service_unavailable, "Server is busy"};
    case HecCode::kDataChannelMissing: return {StatusCode::bad_request, "Data channel is missing"};
    case HecCode::kInvalidDataChannel: return {StatusCode::bad_request, "Invalid data channel"};
    case HecCode::kEventFieldRequired: return {StatusCode::bad_request, "Event field is required"};
    case HecCode::kEventFieldBlank: return {StatusCode::bad_request, "Event field cannot be blank"};
    case HecCode::kAckDisabled: return {StatusCode::bad_request, "ACK is disabled"};
    case HecCode::kIndexedFieldsError:
      return {StatusCode::bad_request, "Error in handling indexed fields"};
    case HecCode::kQueryStringAuthDisabled:
      return {StatusCode::bad_request, "Query string authorization is not enabled"};
    case HecCode::kHealthy: return {StatusCode::ok, "HEC is healthy"};
    case HecCode::kUnhealthyQueuesFull:
      return {StatusCode::service_unavailable, "HEC is unhealthy, queues are full"};
  }
  return {StatusCode::internal_server_error, "Internal server error"};
}

HecParse parse_hec_events(const PaddedBody& body) {
  HecParse out;
  const std::string_view text = body.view();
  JsonParser& parser = JsonParser::for_this_thread();
  size_t pos = 0;
  while (true) {
    while (pos < text.size() && is_json_space(text[pos])) ++pos;
    if (pos == text.size()) break;
    const size_t number = out.events.size();
    const TextPosition where = position_of(text, pos);
    if (text[pos] != '{') {
      out.problem = problem(
          HecCode::kInvalidDataFormat, number,
          fmt::format("line {}, column {}: expected a JSON object", where.line, where.column));
      return out;
    }
    const std::optional<size_t> end = end_of_container(text, pos);
    const std::string_view slice = text.substr(pos, end.value_or(text.size()) - pos);
    JsonParse parsed = parser.parse(slice);
    if (parsed.problem.has_value()) {
      const TextPosition at = position_of(text, pos + parsed.problem->offset);
      out.problem =
          problem(HecCode::kInvalidDataFormat, number,
                  fmt::format("line {}, column {}: {}", at.line, at.column, parsed.problem->what));
      return out;
    }
    HecEvent event{slice, std::nullopt};
    if (auto bad = check_event(parsed.value.get_object().value_unsafe(), number, event)) {
      out.problem = std::move(bad);
      return out;
    }
    out.events.push_back(std::move(event));
    pos = *end;
  }
  if (out.events.empty()) {
    out.problem = HecProblem{HecCode::kNoData, std::nullopt, "the request body holds no events"};
  }
  return out;
}

HecParse parse_hec_raw(const PaddedBody& body) {
  HecParse out;
  NdjsonLines lines(body.view());
  while (std::optional<NdjsonLine> line = lines.next()) {
    out.events.push_back(HecEvent{line->text, std::nullopt});
  }
  if (out.events.empty()) {
    out.problem = HecProblem{HecCode::kNoData, std::nullopt, "the request body holds no events"};
  }
  return out;
}

}  // namespace caudal::http
