// IngestClient: one keep-alive HTTP/1.1 connection to Caudal's native ingest API
// (POST /v1/topics/{topic}?key=id, NDJSON). Blocking; one per simulator thread. Reconnects
// on the next call after a failure, so a restarted server is picked up again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace caudal::demo {

class IngestClient {
 public:
  IngestClient(std::string host, uint16_t port);
  ~IngestClient();
  IngestClient(const IngestClient&) = delete;
  IngestClient& operator=(const IngestClient&) = delete;

  // Posts `ndjson` (one event per line) to `topic`, keyed by each event's `id`, and waits for
  // the answer. OK on 200 (the events are appended, per the topic's flush policy); kIo naming
  // the address when the connection fails; kUnavailable with the body on any other status.
  Status post_ndjson(std::string_view topic, std::string ndjson);

 private:
  struct Connection;
  std::string host_;
  uint16_t port_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace caudal::demo
