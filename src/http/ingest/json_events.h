// The events of a native ingest body (POST /v1/topics/{topic}): one JSON object, a JSON array
// of events, or NDJSON (one JSON value per line). Every event is validated by simdjson
// (syntax and UTF-8); errors say where, as "line 7, column 12: <what>" (lines and columns
// from 1; columns count bytes).
#pragma once

#include <simdjson.h>
#include <string>
#include <string_view>

#include "http/function_ref.h"
#include "common/result.h"
#include "http/ingest/body.h"

namespace caudal::http {

enum class EventFormat {
  kJson,    // application/json: an object (one event) or an array (one event per element)
  kNdjson,  // application/x-ndjson (also application/ndjson, application/jsonl)
};

// The format a media type (body.h: media_type()) names; http::Errc::kUnsupportedMediaType for
// any other.
Result<EventFormat> event_format(std::string_view media_type);

struct JsonEvent {
  std::string_view text;         // the event's bytes as sent, without surrounding whitespace
  simdjson::dom::element value;  // valid during the callback only
  size_t line = 0;               // where the event starts
};

// Calls `on_event` for each event of `body`, in order, each validated first. Stops at the
// first invalid event (kInvalidJson, kInvalidUtf8 with its position) or at the first error
// `on_event` returns (prefixed with the event's line). A body without events is kEmptyBody.
Status for_each_event(const PaddedBody& body, EventFormat format,
                      FunctionRef<Status(const JsonEvent&)> on_event);

}  // namespace caudal::http
