#include "http/error_mapping.h"

#include <gtest/gtest.h>

#include "common/errc.h"
#include "http/errc.h"
#include "log/errc.h"

namespace caudal::http {
namespace {

struct Row {
  std::error_code code;
  StatusCode status;
  int retry_after;
};

// The whole table, so a change to any mapping is a visible change here.
TEST(ErrorMappingTest, EveryCodeHasItsStatus) {
  const Row rows[] = {
      {Errc::kEmptyBody, StatusCode::bad_request, 0},
      {Errc::kUnsupportedMediaType, StatusCode::unsupported_media_type, 0},
      {Errc::kUnsupportedEncoding, StatusCode::unsupported_media_type, 0},
      {Errc::kBadEncoding, StatusCode::bad_request, 0},
      {Errc::kBodyTooLarge, StatusCode::payload_too_large, 0},
      {Errc::kInvalidJson, StatusCode::bad_request, 0},
      {Errc::kInvalidUtf8, StatusCode::bad_request, 0},
      {Errc::kEventTooLarge, StatusCode::payload_too_large, 0},
      {Errc::kInvalidRequest, StatusCode::bad_request, 0},
      {Errc::kNotConfigured, StatusCode::service_unavailable, 0},
      {log::Errc::kCorruptBatch, StatusCode::internal_server_error, 0},
      {log::Errc::kBatchTooLarge, StatusCode::payload_too_large, 0},
      {log::Errc::kUnsupportedFormat, StatusCode::internal_server_error, 0},
      {log::Errc::kOffsetOutOfRange, StatusCode::internal_server_error, 0},
      {log::Errc::kUnknownTopic, StatusCode::not_found, 0},
      {log::Errc::kUnknownPartition, StatusCode::not_found, 0},
      {log::Errc::kTopicExists, StatusCode::conflict, 0},
      {log::Errc::kInvalidTopicName, StatusCode::bad_request, 0},
      {log::Errc::kInvalidConfig, StatusCode::internal_server_error, 0},
      {log::Errc::kStorage, StatusCode::service_unavailable, 10},
      {log::Errc::kCorruptData, StatusCode::internal_server_error, 0},
      {log::Errc::kTimedOut, StatusCode::gateway_timeout, 0},
      {log::Errc::kClosed, StatusCode::service_unavailable, 1},
      {caudal::Errc::kIo, StatusCode::internal_server_error, 0},
  };
  for (const Row& row : rows) {
    const HttpError mapped = to_http_error(Status(row.code, "x"));
    EXPECT_EQ(mapped.status, row.status) << row.code.message();
    EXPECT_EQ(mapped.retry_after_seconds, row.retry_after) << row.code.message();
  }
}

TEST(ErrorMappingTest, BodyNamesStatusTypeAndReason) {
  Request request(Verb::post, "/v1/topics/t", 11);
  Response response =
      make_status_error(request, Status(Errc::kInvalidJson, "line 3, column 7: expected ':'"));
  EXPECT_EQ(response.result(), StatusCode::bad_request);
  EXPECT_EQ(response.body(),
            "{\"error\":{\"status\":400,\"type\":\"invalid_json\",\"reason\":\"line 3, column 7: "
            "expected ':'\"}}");
  EXPECT_EQ(response[boost::beast::http::field::content_type], "application/json");
  EXPECT_EQ(response.count(boost::beast::http::field::retry_after), 0u);
}

TEST(ErrorMappingTest, DiskFullSaysWhenToRetry) {
  Request request(Verb::post, "/v1/topics/t", 11);
  Response response = make_status_error(request, Status(log::Errc::kStorage, "disk full"));
  EXPECT_EQ(response.result(), StatusCode::service_unavailable);
  EXPECT_EQ(response[boost::beast::http::field::retry_after], "10");
  EXPECT_NE(response.body().find("\"type\":\"storage\""), std::string::npos);
}

}  // namespace
}  // namespace caudal::http
