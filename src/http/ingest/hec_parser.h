// Splunk HTTP Event Collector bodies (docs/http-api.md §Splunk HEC) and HEC's documented
// status codes.
//
// /services/collector/event takes JSON event objects one after another, with or without
// whitespace between them:
//   {"event":"login ok","host":"web-1","index":"security"}{"event":{"temp":21.5},"time":1714566896}
// /services/collector/raw takes text, one event per line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/ingest/body.h"
#include "http/types.h"

namespace caudal::http {

// HEC's status codes, as Splunk documents them, with the HTTP status and text of each.
enum class HecCode {
  kSuccess = 0,
  kTokenDisabled = 1,
  kTokenRequired = 2,
  kInvalidAuthorization = 3,
  kInvalidToken = 4,
  kNoData = 5,
  kInvalidDataFormat = 6,
  kIncorrectIndex = 7,
  kInternalError = 8,
  kServerBusy = 9,
  kDataChannelMissing = 10,
  kInvalidDataChannel = 11,
  kEventFieldRequired = 12,
  kEventFieldBlank = 13,
  kAckDisabled = 14,
  kIndexedFieldsError = 15,
  kQueryStringAuthDisabled = 16,
  kHealthy = 17,
  kUnhealthyQueuesFull = 18,
};

struct HecStatus {
  StatusCode http;
  std::string_view text;
};
HecStatus hec_status(HecCode code);

// Why a HEC request is refused: the code, the 0-based number of the offending event (HEC's
// "invalid-event-number") when one is to blame, and Caudal's own explanation.
struct HecProblem {
  HecCode code = HecCode::kInvalidDataFormat;
  std::optional<size_t> event_number;
  std::string reason;
};

struct HecEvent {
  std::string_view text;             // the event object as sent (all of it: event, time, ...)
  std::optional<std::string> index;  // its "index", when given
};

struct HecParse {
  std::vector<HecEvent> events;
  std::optional<HecProblem> problem;  // set when the body is refused; events are then partial
};

// The events of a /services/collector/event body. Refused (the whole request): no events
// (kNoData); something that is not a JSON object, or invalid JSON, a non-string index or a
// time that is not epoch seconds (kInvalidDataFormat); no "event" (kEventFieldRequired); an
// "event" that is null or "" (kEventFieldBlank); "fields" that is not an object
// (kIndexedFieldsError).
HecParse parse_hec_events(const PaddedBody& body);

// The events of a /services/collector/raw body: its non-blank lines. kNoData when none.
HecParse parse_hec_raw(const PaddedBody& body);

}  // namespace caudal::http
