// The one mapping of index errors to Elasticsearch error responses: the error type
// (parsing_exception, index_not_found_exception, ...), the HTTP status and the body
// {"error":{"root_cause":[...],"type":..,"reason":..,(line, col)},"status":N}. A message that
// starts with "[line:col] " (index/query.h) gives the body's line and col.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "index/json.h"

namespace caudal::index::api {

struct EsResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

std::string_view es_error_type(const Status& error);
int es_error_status(const Status& error);
Json es_error_body(const Status& error);
EsResponse es_error(const Status& error, bool pretty = false);

}  // namespace caudal::index::api
