#include "pipeline/connectors/curl_easy.h"

#include <algorithm>
#include <mutex>

#include <fmt/format.h>

#include "common/check.h"
#include "pipeline/connectors/errc.h"

namespace caudal::pipeline::connectors {
namespace {

constexpr size_t kBodyLimit = 64 * 1024;
constexpr size_t kExcerpt = 200;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { CAUDAL_CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, "libcurl initializes"); });
}

}  // namespace

CurlEasy::CurlEasy() {
  global_init();
  handle_ = curl_easy_init();
  CAUDAL_CHECK(handle_ != nullptr, "curl_easy_init returns a handle");
}

CurlEasy::~CurlEasy() { curl_easy_cleanup(handle_); }

CURL* CurlEasy::reset() {
  curl_easy_reset(handle_);
  body_.clear();
  error_[0] = '\0';
  curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(handle_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &CurlEasy::on_body);
  curl_easy_setopt(handle_, CURLOPT_WRITEDATA, this);
  return handle_;
}

size_t CurlEasy::on_body(char* data, size_t size, size_t count, void* self) {
  auto* easy = static_cast<CurlEasy*>(self);
  const size_t bytes = size * count;
  if (easy->body_.size() < kBodyLimit) easy->body_.append(data, std::min(bytes, kBodyLimit - easy->body_.size()));
  return bytes;
}

Status CurlEasy::perform(std::string_view what) {
  const CURLcode code = curl_easy_perform(handle_);
  if (code == CURLE_OK) return Status();
  return Status(ConnectorErrc::kUnavailable,
                fmt::format("{}: {}", what, error_[0] != '\0' ? error_ : curl_easy_strerror(code)));
}

long CurlEasy::response_code() const {
  long code = 0;
  curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

std::string body_excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, kExcerpt)) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (body.size() > kExcerpt) out.append("...");
  return out;
}

}  // namespace caudal::pipeline::connectors
