// The one mapping from Caudal's errors to HTTP (DESIGN.md: errors are translated only at the
// edges, in one tested table). The native API answers with the JSON body
//   {"error":{"status":N,"type":"<code>","reason":"<what was wrong, and where>"}}
// where <code> is the error's code name (invalid_json, unknown_topic, storage, ...); the
// Elasticsearch and HEC handlers wrap the same status in their own body shapes.
#pragma once

#include <functional>
#include <string>

#include "common/status.h"
#include "http/json_writer.h"
#include "http/types.h"

namespace caudal::http {

struct HttpError {
  StatusCode status = StatusCode::internal_server_error;
  // Seconds for a Retry-After header; 0 for none. Set where retrying the same request later
  // can succeed (disk full, shutting down).
  int retry_after_seconds = 0;
};

// The HTTP status for `error` (which must not be OK): http::Errc and log::Errc by table, any
// other code 500.
HttpError to_http_error(const Status& error);

// The code name used as "type" in error bodies and as the `code` label of error metrics.
std::string error_type(const Status& error);

// The Elasticsearch exception type an Elasticsearch client expects for `error`
// (index_not_found_exception for an unknown topic, x_content_parse_exception for bad JSON, ...);
// the status is to_http_error()'s.
std::string_view elasticsearch_error_type(const Status& error);

// The native API's error response for `error`, with Retry-After when the table says so.
// `extra`, when given, writes more members of the top-level object after "error".
Response make_status_error(const Request& request, const Status& error,
                           const std::function<void(JsonWriter&)>& extra = {});

}  // namespace caudal::http
