#include "http/error_mapping.h"

#include <boost/beast/http/field.hpp>

#include "common/check.h"
#include "common/errc.h"
#include "http/errc.h"
#include "log/errc.h"

namespace caudal::http {
namespace {

// Appends that fail for lack of disk space succeed once space returns; tell clients to wait a
// little longer than for a restart.
constexpr int kStorageRetrySeconds = 10;
constexpr int kClosedRetrySeconds = 1;

HttpError from_http(Errc code) {
  switch (code) {
    case Errc::kEmptyBody: return {StatusCode::bad_request};
    case Errc::kUnsupportedMediaType: return {StatusCode::unsupported_media_type};
    case Errc::kUnsupportedEncoding: return {StatusCode::unsupported_media_type};
    case Errc::kBadEncoding: return {StatusCode::bad_request};
    case Errc::kBodyTooLarge: return {StatusCode::payload_too_large};
    case Errc::kInvalidJson: return {StatusCode::bad_request};
    case Errc::kInvalidUtf8: return {StatusCode::bad_request};
    case Errc::kEventTooLarge: return {StatusCode::payload_too_large};
    case Errc::kInvalidRequest: return {StatusCode::bad_request};
    case Errc::kNotConfigured: return {StatusCode::service_unavailable};
  }
  return {};
}

HttpError from_log(log::Errc code) {
  switch (code) {
    case log::Errc::kBatchTooLarge: return {StatusCode::payload_too_large};
    case log::Errc::kUnknownTopic: return {StatusCode::not_found};
    case log::Errc::kUnknownPartition: return {StatusCode::not_found};
    case log::Errc::kTopicExists: return {StatusCode::conflict};
    case log::Errc::kInvalidTopicName: return {StatusCode::bad_request};
    case log::Errc::kStorage: return {StatusCode::service_unavailable, kStorageRetrySeconds};
    case log::Errc::kClosed: return {StatusCode::service_unavailable, kClosedRetrySeconds};
    case log::Errc::kTimedOut: return {StatusCode::gateway_timeout};
    // The gateway builds every batch itself and reads nothing back: these mean a bug or a
    // broken configuration, not a bad request.
    case log::Errc::kCorruptBatch:
    case log::Errc::kUnsupportedFormat:
    case log::Errc::kOffsetOutOfRange:
    case log::Errc::kInvalidConfig:
    case log::Errc::kCorruptData:
    // The gateway's batches carry no producer id, so the idempotence checks never fail them.
    case log::Errc::kOutOfOrderSequence:
    case log::Errc::kInvalidProducerEpoch: return {StatusCode::internal_server_error};
  }
  return {};
}

}  // namespace

HttpError to_http_error(const Status& error) {
  CAUDAL_CHECK(!error.ok(), "to_http_error of an OK status");
  const std::error_code code = error.code();
  if (code.category() == http::error_category()) return from_http(static_cast<Errc>(code.value()));
  if (code.category() == log::error_category()) {
    return from_log(static_cast<log::Errc>(code.value()));
  }
  if (code == make_error_code(caudal::Errc::kNotFound)) return {StatusCode::not_found};
  return {};
}

std::string error_type(const Status& error) {
  return error.code().message();
}

std::string_view elasticsearch_error_type(const Status& error) {
  const std::error_code code = error.code();
  if (code.category() == http::error_category()) {
    switch (static_cast<Errc>(code.value())) {
      case Errc::kInvalidJson:
      case Errc::kInvalidUtf8: return "x_content_parse_exception";
      case Errc::kEmptyBody: return "action_request_validation_exception";
      case Errc::kUnsupportedMediaType: return "media_type_header_exception";
      case Errc::kInvalidRequest:
      case Errc::kUnsupportedEncoding:
      case Errc::kBadEncoding:
      case Errc::kBodyTooLarge:
      case Errc::kEventTooLarge: return "illegal_argument_exception";
      case Errc::kNotConfigured: return "unavailable_shards_exception";
    }
  }
  if (code.category() == log::error_category()) {
    switch (static_cast<log::Errc>(code.value())) {
      case log::Errc::kUnknownTopic: return "index_not_found_exception";
      case log::Errc::kInvalidTopicName: return "invalid_index_name_exception";
      case log::Errc::kBatchTooLarge: return "illegal_argument_exception";
      case log::Errc::kTopicExists: return "resource_already_exists_exception";
      case log::Errc::kStorage:
      case log::Errc::kClosed: return "unavailable_shards_exception";
      case log::Errc::kTimedOut: return "timeout_exception";
      default: break;
    }
  }
  return "exception";
}

Response make_status_error(const Request& request, const Status& error,
                           const std::function<void(JsonWriter&)>& extra) {
  const HttpError mapped = to_http_error(error);
  JsonWriter json;
  json.begin_object().key("error").begin_object();
  json.key("status").value(static_cast<int64_t>(mapped.status));
  json.key("type").value(error_type(error));
  json.key("reason").value(error.message());
  json.end_object();
  if (extra) extra(json);
  json.end_object();
  Response response = make_response(request, mapped.status, json.take(), "application/json");
  if (mapped.retry_after_seconds > 0) {
    response.set(boost::beast::http::field::retry_after,
                 std::to_string(mapped.retry_after_seconds));
  }
  return response;
}

}  // namespace caudal::http
