// The native ingest API (docs/http-api.md §Native ingest):
//   POST /v1/topics/{topic}[?key=<field path>]
// with a JSON object, a JSON array of events, or NDJSON. The request is validated whole
// before anything is appended; the response gives the count and, per batch, the partition and
// offsets.
#pragma once

#include "http/routes.h"

namespace caudal::http {

void handle_ingest(const RouteContext& context, const Incoming& incoming, Responder responder);

}  // namespace caudal::http
