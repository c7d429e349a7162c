#include "pipeline/connectors/influxdb/influx_writer.h"

#include <fmt/format.h>

#include "common/check.h"
#include "common/result.h"
#include "pipeline/connectors/errc.h"

namespace caudal::pipeline::connectors {
namespace {

// Besides the usual transient statuses, 404 is InfluxDB's "database not found": it fails every
// point alike while the database is being set up, so the events wait for it (as the PostgreSQL
// sink's do for a missing table) instead of all being dead-lettered.
bool is_transient(long status) { return is_transient_http_status(status) || status == 404; }

std::string escaped(CURL* curl, const std::string& text) {
  char* raw = curl_easy_escape(curl, text.c_str(), static_cast<int>(text.size()));
  CAUDAL_CHECK(raw != nullptr, "curl_easy_escape allocates");
  std::string out(raw);
  curl_free(raw);
  return out;
}

}  // namespace

InfluxWriter::InfluxWriter(InfluxWriteTarget target) : target_(std::move(target)) {
  std::string base = target_.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  write_url_ = fmt::format("{}/write?db={}&precision=ns", base, escaped(easy_.get(), target_.database));
  if (!target_.retention_policy.empty()) write_url_ += "&rp=" + escaped(easy_.get(), target_.retention_policy);
  headers_ = curl_slist_append(nullptr, "Content-Type: text/plain; charset=utf-8");
  // No "Expect: 100-continue" round trip before each body.
  headers_ = curl_slist_append(headers_, "Expect:");
  CAUDAL_CHECK(headers_ != nullptr, "curl_slist_append allocates");
  thread_ = std::thread([this] { run(); });
}

InfluxWriter::~InfluxWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  curl_slist_free_all(headers_);
}

void InfluxWriter::start(std::string& body) {
  CAUDAL_CHECK(!in_flight_, "InfluxWriter::start with a write in flight");
  {
    std::lock_guard lock(mutex_);
    body_.swap(body);
    requested_ = true;
  }
  in_flight_ = true;
  changed_.notify_all();
}

std::optional<Status> InfluxWriter::answer(Duration timeout) {
  CAUDAL_CHECK(in_flight_, "InfluxWriter::answer without a write in flight");
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [&] { return outcome_.has_value(); })) return std::nullopt;
  std::optional<Status> out = std::move(outcome_);
  outcome_.reset();
  in_flight_ = false;
  return out;
}

Status InfluxWriter::answer() {
  CAUDAL_CHECK(in_flight_, "InfluxWriter::answer without a write in flight");
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return outcome_.has_value(); });
  Status out = std::move(*outcome_);
  outcome_.reset();
  in_flight_ = false;
  return out;
}

void InfluxWriter::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    // A write started before the destructor ran is still made: its caller waits for it.
    changed_.wait(lock, [&] { return stopping_ || requested_; });
    if (!requested_) return;
    lock.unlock();
    Status outcome = post();
    lock.lock();
    requested_ = false;
    outcome_ = std::move(outcome);
    changed_.notify_all();
  }
}

Status InfluxWriter::post() {
  CURL* curl = easy_.reset();
  curl_easy_setopt(curl, CURLOPT_URL, write_url_.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body_.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(target_.timeout).count()));
  if (!target_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, target_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, target_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers_);
  CAUDAL_RETURN_IF_ERROR(easy_.perform(fmt::format("POST {}", write_url_)));
  const long status = easy_.response_code();
  if (status >= 200 && status <= 299) return Status();
  const std::string reason = fmt::format("InfluxDB answered HTTP {} to {}: {}", status, write_url_, body_excerpt(easy_.body()));
  return Status(is_transient(status) ? ConnectorErrc::kUnavailable : ConnectorErrc::kRejected, reason);
}

}  // namespace caudal::pipeline::connectors
