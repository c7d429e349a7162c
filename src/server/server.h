// Server: the composition root. Builds the running system that a validated Config describes
// (data directory, event loops, listeners) and tears it down in reverse order.
//
// Lifecycle: start() returns once every listener is bound, so the caller can print where
// Caudal listens; stop() closes listeners first, then waits for in-flight work, then releases
// the data directory. Not thread-safe: one thread calls start() and stop().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "config/config.h"

namespace caudal::server {

struct ListenerInfo {
  std::string protocol;  // "http", ...
  std::string address;   // host:port actually bound
  std::string serves;    // one line for people: what is there
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> start(const config::Config& config,
                                               metrics::Registry& registry);
  ~Server();

  const std::vector<ListenerInfo>& listeners() const;
  // Re-reads the configuration file and applies it (server/config_reload.h) on the reloader's
  // thread; `done` (may be empty) gets the result there. For SIGHUP; POST /v1/admin/reload
  // does the same.
  void request_reload(std::function<void(const std::string& result_json)> done);
  void stop();

  struct Parts;

 private:
  explicit Server(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace caudal::server
