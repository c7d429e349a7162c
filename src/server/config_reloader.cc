#include "server/config_reloader.h"

#include <chrono>

namespace caudal::server {

ConfigReloader::ConfigReloader(std::function<Outcome()> run, metrics::Registry& registry)
    : run_(std::move(run)),
      reloads_(registry.counter("caudal_config_reloads_total",
                                "Configuration reloads (SIGHUP or POST /v1/admin/reload) by result",
                                {"result"})),
      last_successful_(registry
                           .gauge("caudal_config_last_reload_successful",
                                  "1 when the last configuration reload was applied whole, 0 otherwise")
                           .get()),
      last_success_time_(registry
                             .gauge("caudal_config_last_reload_success_timestamp_seconds",
                                    "When the configuration was last reloaded successfully")
                             .get()) {
  // Until a reload fails, the configuration running is the one that loaded successfully.
  last_successful_.set(1);
  last_success_time_.set(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  thread_ = std::thread([this] { loop(); });
}

namespace {

http::ReloadAnswer stopping_answer() {
  return {false, R"({"result":"refused","errors":["Caudal is stopping; the configuration was not reloaded"]})"};
}

}  // namespace

ConfigReloader::~ConfigReloader() { stop(); }

void ConfigReloader::stop() {
  std::deque<std::function<void(http::ReloadAnswer)>> dropped;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& done : dropped) done(stopping_answer());
}

void ConfigReloader::reload(std::function<void(http::ReloadAnswer)> done) const {
  if (!done) done = [](http::ReloadAnswer) {};
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(done));
      wake_.notify_all();
      return;
    }
  }
  done(stopping_answer());
}

std::optional<http::ReloadAnswer> ConfigReloader::last_reload() const {
  std::lock_guard lock(mutex_);
  return last_;
}

void ConfigReloader::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::function<void(http::ReloadAnswer)> done = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Outcome outcome = run_();
    const bool whole = outcome.answer.applied && !outcome.partial;
    reloads_.with({!outcome.answer.applied ? "refused" : outcome.partial ? "partial" : "applied"}).inc();
    last_successful_.set(whole ? 1 : 0);
    if (whole) {
      last_success_time_.set(
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
    }
    lock.lock();
    last_ = outcome.answer;
    lock.unlock();
    done(std::move(outcome.answer));
    lock.lock();
  }
}

}  // namespace caudal::server
