// CurlEasy: one libcurl easy handle (HTTP and SMTP transports), reused request after request
// so connections stay open. libcurl's global state is initialized once for the process.
//
// One owner, one thread at a time (a sink's delivery thread).
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace caudal::pipeline::connectors {

class CurlEasy {
 public:
  CurlEasy();
  ~CurlEasy();
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  // The handle with its options reset to defaults (curl_easy_reset keeps connections).
  CURL* reset();
  CURL* get() { return handle_; }

  // Runs the request set up on get(). The response body lands in body() (kept to the first
  // 64 KiB: only messages quote it). Transport failures (refused, timeout, TLS) come back as
  // ConnectorErrc::kUnavailable with libcurl's own explanation.
  Status perform(std::string_view what);
  long response_code() const;
  const std::string& body() const { return body_; }

 private:
  static size_t on_body(char* data, size_t size, size_t count, void* self);

  CURL* handle_;
  std::string body_;
  char error_[CURL_ERROR_SIZE] = {};
};

// The first bytes of a response body, on one line, for error messages.
std::string body_excerpt(std::string_view body);

// Whether an HTTP status means "try again later" (server errors, timeouts, rate limits) rather
// than "this request is wrong".
inline bool is_transient_http_status(long status) {
  return status >= 500 || status == 408 || status == 429;
}

}  // namespace caudal::pipeline::connectors
