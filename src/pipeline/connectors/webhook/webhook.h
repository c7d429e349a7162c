// The webhook connector: HTTP(S) POST (or PUT) of events as JSON, one per request or batched
// as a JSON array or NDJSON, to a URL and with headers templated from event fields
// (docs/pipelines.md §Sinks: webhook). 2xx is delivered; 5xx, 408, 429 and transport failures
// (refused, timeout) are retried; any other status refuses the request's events for good
// (dead-lettered with the status and the start of the response).
#pragma once

#include "pipeline/connectors/connector.h"

namespace caudal::pipeline::connectors {

const ConnectorDescriptor& webhook_connector();

}  // namespace caudal::pipeline::connectors
