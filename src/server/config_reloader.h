// ConfigReloader: runs configuration reloads (SIGHUP, POST /v1/admin/reload) one at a time on
// its own thread, so a reload that waits for pipelines to stop never holds up an event loop or
// the signal thread, and keeps the last result for GET /v1/admin/reload.
//
// Every reload is logged (applied: what changed; refused: the new file's errors) and counted:
//   caudal_config_reloads_total{result="applied"|"partial"|"refused"}
//   caudal_config_last_reload_successful            1 when the last reload was applied whole
//   caudal_config_last_reload_success_timestamp_seconds
//
// Threads: reload() and last_reload() from any thread; `done` callbacks run on the reloader's
// thread. stop() (and the destructor) finishes the reload under way; reloads still queued, or
// asked for later, are answered at once as refused because Caudal is stopping.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "common/metrics/registry.h"
#include "http/handlers/admin.h"

namespace caudal::server {

class ConfigReloader final : public http::AdminActions {
 public:
  // `run` does one reload and says how it went; `partial` results (applied with some pipelines
  // failing to start) count as applied but not successful.
  struct Outcome {
    http::ReloadAnswer answer;
    bool partial = false;
  };
  ConfigReloader(std::function<Outcome()> run, metrics::Registry& registry);
  ~ConfigReloader() override;
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

  void reload(std::function<void(http::ReloadAnswer)> done) const override;
  // Idempotent.
  void stop();
  std::optional<http::ReloadAnswer> last_reload() const override;

 private:
  void loop();

  std::function<Outcome()> run_;
  metrics::Family<metrics::Counter>& reloads_;
  metrics::Gauge& last_successful_;
  metrics::Gauge& last_success_time_;
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;
  mutable std::deque<std::function<void(http::ReloadAnswer)>> queue_;  // guarded by mutex_
  std::optional<http::ReloadAnswer> last_;                             // guarded by mutex_
  bool stopping_ = false;                                              // guarded by mutex_
  std::thread thread_;
};

}  // namespace caudal::server
