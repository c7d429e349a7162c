// Test support for the ingest APIs: a real log in a temporary directory (on a file system that
// can be made to run out of space), a Gateway over it, and the real route table, driven the
// way the server drives it (handler and continuations on an event loop). Requests run one at a
// time on the test thread's loop.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/fault_injecting_file_system.h"
#include "common/metrics/registry.h"
#include "http/ingest/gateway.h"
#include "http/routes.h"
#include "log/log.h"
#include "log/record_batch_header.h"
#include "log/record_batch_reader.h"

namespace caudal::http::testing {

struct StoredRecord {
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::string value;
  std::map<std::string, std::string> headers;
};

class IngestHarness {
 public:
  // Opens a log with `topics` created, and a gateway with `settings`.
  explicit IngestHarness(GatewaySettings settings = {},
                         std::map<std::string, log::TopicSettings> topics = {}) {
    std::string pattern = (std::filesystem::temp_directory_path() / "caudal-http-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    dir_ = pattern;
    log::LogOptions options;
    options.data_dir = dir_;
    options.fs = &fs_;
    options.clock = &clock_;
    options.metrics = &registry_;
    auto opened = log::Log::open(options);
    EXPECT_TRUE(opened.ok()) << opened.status().to_string();
    log_ = std::move(opened).value();
    for (const auto& [name, topic] : topics) {
      Status created = log_->create_topic(name, topic);
      EXPECT_TRUE(created.ok()) << created.to_string();
    }
    gateway_ = std::make_unique<Gateway>(*log_, std::move(settings), registry_, clock_);
    RouteContext context;
    context.registry = &registry_;
    context.gateway = gateway_.get();
    context.log = log_.get();
    context.readiness_problems = [] { return std::vector<std::string>(); };
    router_ = std::make_unique<Router>(build_routes(context));
  }

  ~IngestHarness() {
    gateway_.reset();
    log_->close();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs one request through the route table and returns its response.
  Response call(Verb verb, std::string target, std::string body = {},
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request request(verb, target, 11);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    std::optional<Response> response;
    Router::Match match = router_->match(verb, target);
    if (match.route == nullptr) return Router::unmatched(request, match);
    boost::asio::post(loop_, [&] {
      match.route->handler(Incoming{request, match.params, client_, loop_.get_executor()},
                           Responder([&](Response r) { response = std::move(r); }));
    });
    loop_.restart();
    // Continuations come back from other threads (topic creation, flushes): keep the loop
    // waiting for them.
    auto guard = boost::asio::make_work_guard(loop_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!response.has_value() && std::chrono::steady_clock::now() < deadline) {
      loop_.run_one_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(response.has_value()) << "no response within 10 s";
    return response.value_or(Response{});
  }

  struct Call {
    Verb verb = Verb::post;
    std::string target;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
  };

  // Runs several requests in one turn of the loop, as a loop does with the requests of
  // several connections that became readable together, and returns their responses in order.
  std::vector<Response> call_together(const std::vector<Call>& calls) {
    const size_t n = calls.size();
    std::vector<Request> requests(n);
    std::vector<Router::Match> matches(n);
    std::vector<std::optional<Response>> responses(n);
    for (size_t i = 0; i < n; ++i) {
      requests[i] = Request(calls[i].verb, calls[i].target, 11);
      for (const auto& [name, value] : calls[i].headers) requests[i].set(name, value);
      requests[i].body() = calls[i].body;
      requests[i].prepare_payload();
      matches[i] = router_->match(calls[i].verb, calls[i].target);
      EXPECT_NE(matches[i].route, nullptr) << calls[i].target;
      if (matches[i].route == nullptr) return {};
    }
    boost::asio::post(loop_, [&] {
      for (size_t i = 0; i < n; ++i) {
        matches[i].route->handler(
            Incoming{requests[i], matches[i].params, client_, loop_.get_executor()},
            Responder([&responses, i](Response r) { responses[i] = std::move(r); }));
      }
    });
    loop_.restart();
    auto guard = boost::asio::make_work_guard(loop_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto all_answered = [&] {
      for (const auto& response : responses) {
        if (!response.has_value()) return false;
      }
      return true;
    };
    while (!all_answered() && std::chrono::steady_clock::now() < deadline) {
      loop_.run_one_for(std::chrono::milliseconds(20));
    }
    std::vector<Response> out;
    for (auto& response : responses) {
      EXPECT_TRUE(response.has_value()) << "no response within 10 s";
      out.push_back(response.value_or(Response{}));
    }
    return out;
  }

  // How many record batches the partition holds.
  size_t batch_count(std::string_view topic, int32_t partition = 0) {
    auto part = log_->partition(topic, log::PartitionId(partition));
    if (!part.ok()) return 0;
    auto read = (*part)->read(log::Offset(0), 256u << 20);
    if (!read.ok()) return 0;
    size_t count = 0;
    for (ByteView bytes = read->bytes; bytes.size() >= log::kBatchHeaderSize; ++count) {
      bytes = bytes.subspan(log::kBatchLengthPrefix + load_be32(bytes.data() + 8));
    }
    return count;
  }

  // Every record of the partition, in offset order.
  std::vector<StoredRecord> records(std::string_view topic, int32_t partition = 0) {
    std::vector<StoredRecord> out;
    auto part = log_->partition(topic, log::PartitionId(partition));
    if (!part.ok()) return out;
    auto read = (*part)->read(log::Offset(0), 256u << 20);
    if (!read.ok()) return out;
    log::RecordBatchReader reader;
    ByteView bytes = read->bytes;
    while (bytes.size() >= log::kBatchHeaderSize) {
      const size_t size = log::kBatchLengthPrefix + load_be32(bytes.data() + 8);
      EXPECT_TRUE(reader.reset(bytes.first(size)).ok());
      while (true) {
        auto record = reader.next();
        EXPECT_TRUE(record.ok());
        if (!record.ok() || *record == nullptr) break;
        StoredRecord stored;
        stored.offset = (*record)->offset.value();
        stored.timestamp_ms = (*record)->timestamp_ms;
        if ((*record)->key) stored.key = std::string(as_chars(*(*record)->key));
        if ((*record)->value) stored.value = std::string(as_chars(*(*record)->value));
        for (const log::RecordHeader& header : (*record)->headers) {
          stored.headers[std::string(header.key)] =
              header.value ? std::string(as_chars(*header.value)) : "";
        }
        out.push_back(std::move(stored));
      }
      bytes = bytes.subspan(size);
    }
    return out;
  }

  int64_t end_offset(std::string_view topic, int32_t partition = 0) {
    auto part = log_->partition(topic, log::PartitionId(partition));
    return part.ok() ? (*part)->high_watermark().value() : -1;
  }

  FaultInjectingFileSystem& fs() { return fs_; }
  log::Log& log() { return *log_; }
  metrics::Registry& registry() { return registry_; }
  ManualClock& clock() { return clock_; }

 private:
  std::filesystem::path dir_;
  FaultInjectingFileSystem fs_{PosixFileSystem::instance()};
  ManualClock clock_{
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1'714'566'896'789))};
  metrics::Registry registry_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<Router> router_;
  boost::asio::io_context loop_;
  std::string client_ = "10.1.2.3";
};

// Request headers the ingest tests send.
using Headers = std::vector<std::pair<std::string, std::string>>;
inline const Headers kJson = {{"Content-Type", "application/json"}};
inline const Headers kNdjson = {{"Content-Type", "application/x-ndjson"}};

inline log::TopicSettings topic_with(int32_t partitions, int64_t max_message_bytes = 1 << 20) {
  log::TopicSettings settings;
  settings.partitions = partitions;
  settings.max_message_bytes = max_message_bytes;
  settings.flush = log::FlushPolicy::none();
  return settings;
}

}  // namespace caudal::http::testing
