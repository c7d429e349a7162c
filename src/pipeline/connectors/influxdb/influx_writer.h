// InfluxWriter: the InfluxDB sink's HTTP writes (`POST /write?db=...&precision=ns`), on a
// thread of their own, so the sink's delivery thread renders the next batch's points while
// InfluxDB takes the current one. One write at a time; one libcurl handle, reused, so the
// connection stays open between writes.
//
// Threads: the owner (the sink's delivery thread) calls everything; the writes run on the
// writer's thread, which only ever touches the body it was given and the answer.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "pipeline/connectors/curl_easy.h"

namespace caudal::pipeline::connectors {

struct InfluxWriteTarget {
  std::string url;               // InfluxDB's HTTP address, e.g. http://localhost:8086
  std::string database;
  std::string retention_policy;  // empty: the database's
  std::string username, password;  // empty username: no authentication
  Duration timeout = std::chrono::seconds(10);  // the longest one write may take
};

class InfluxWriter {
 public:
  explicit InfluxWriter(InfluxWriteTarget target);
  // Waits for the write in flight (bounded by the timeout), then stops the thread.
  ~InfluxWriter();
  InfluxWriter(const InfluxWriter&) = delete;
  InfluxWriter& operator=(const InfluxWriter&) = delete;

  // Starts POSTing `body` (none may be in flight). `body` is swapped with the buffer of the
  // previous write, so the caller renders into an allocation that is already large enough
  // (it clears it first: it holds that previous write's points).
  void start(std::string& body);
  bool in_flight() const { return in_flight_; }

  // The answer of the write in flight, waiting up to `timeout` for it; nullopt when it has not
  // come yet. Afterwards (an answer returned) nothing is in flight. Ok: InfluxDB answered 2xx,
  // every point is written. kUnavailable: the write failed for now and may be tried again (no
  // answer, a timeout, HTTP 5xx, 408, 429, or 404: the database does not exist yet).
  // kRejected: InfluxDB refused the request (another status: a field type conflict, a point
  // it cannot parse), with its message.
  std::optional<Status> answer(Duration timeout);
  // The same, waiting as long as the write takes.
  Status answer();

  const std::string& write_url() const { return write_url_; }

 private:
  void run();
  Status post();

  const InfluxWriteTarget target_;
  CurlEasy easy_;  // the writer's thread only, after the constructor
  curl_slist* headers_ = nullptr;
  std::string write_url_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::string body_;  // the write's points: the writer's thread's while requested_ or in flight
  bool requested_ = false;  // start() was called; the thread has not finished the write
  std::optional<Status> outcome_;  // the finished write's answer, until answer() takes it
  bool stopping_ = false;
  bool in_flight_ = false;  // owner's thread only: started, answer not taken yet
  std::thread thread_;
};

}  // namespace caudal::pipeline::connectors
