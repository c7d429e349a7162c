#include "index/api/es_error.h"

#include <cstdlib>

#include "common/errc.h"
#include "index/errc.h"

namespace caudal::index::api {

std::string_view es_error_type(const Status& error) {
  if (error.code().category() == index::error_category()) {
    switch (static_cast<Errc>(error.code().value())) {
      case Errc::kParsing: return "parsing_exception";
      case Errc::kIllegalArgument: return "illegal_argument_exception";
      case Errc::kIndexNotFound: return "index_not_found_exception";
      case Errc::kTooManyBuckets: return "too_many_buckets_exception";
      case Errc::kMemoryBudget: return "circuit_breaking_exception";
      case Errc::kCorruptSegment:
      case Errc::kStorage: return "exception";
    }
  }
  if (error.code() == caudal::Errc::kUnavailable) return "unavailable_shards_exception";
  return "exception";
}

int es_error_status(const Status& error) {
  if (error.code().category() == index::error_category()) {
    switch (static_cast<Errc>(error.code().value())) {
      case Errc::kParsing:
      case Errc::kIllegalArgument:
      case Errc::kTooManyBuckets: return 400;
      case Errc::kIndexNotFound: return 404;
      case Errc::kMemoryBudget: return 429;
      case Errc::kCorruptSegment:
      case Errc::kStorage: return 500;
    }
  }
  if (error.code() == caudal::Errc::kUnavailable) return 503;
  return 500;
}

Json es_error_body(const Status& error) {
  std::string reason = error.message();
  int line = 0, col = 0;
  // "[3:14] reason": the position in the request body.
  if (reason.size() > 4 && reason[0] == '[') {
    const size_t colon = reason.find(':');
    const size_t close = reason.find("] ");
    if (colon != std::string::npos && close != std::string::npos && colon < close) {
      line = std::atoi(reason.c_str() + 1);
      col = std::atoi(reason.c_str() + colon + 1);
      if (line > 0) reason = reason.substr(close + 2);
    }
  }
  const std::string type(es_error_type(error));
  auto cause = [&] {
    Json json = Json::object();
    json.set("type", Json::string(type));
    json.set("reason", Json::string(reason));
    if (line > 0) {
      json.set("line", Json::integer(line));
      json.set("col", Json::integer(col));
    }
    if (type == "index_not_found_exception") {
      // "no such index [x]"
      const size_t open = reason.find('[');
      const std::string name =
          open == std::string::npos ? "" : reason.substr(open + 1, reason.size() - open - 2);
      json.set("resource.type", Json::string("index_or_alias"));
      json.set("resource.id", Json::string(name));
      json.set("index_uuid", Json::string("_na_"));
      json.set("index", Json::string(name));
    }
    return json;
  };
  Json root_causes = Json::array();
  root_causes.push(cause());
  Json inner = cause();
  inner.members().insert(inner.members().begin(),
                         Json::Member("root_cause", std::move(root_causes)));
  Json body = Json::object();
  body.set("error", std::move(inner));
  body.set("status", Json::integer(es_error_status(error)));
  return body;
}

EsResponse es_error(const Status& error, bool pretty) {
  return EsResponse{es_error_status(error), es_error_body(error).dump(pretty)};
}

}  // namespace caudal::index::api
