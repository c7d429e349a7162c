#include "demo/simulator.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/check.h"
#include "common/errc.h"
#include "demo/ingest_client.h"

namespace caudal::demo {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kRetryPause = std::chrono::milliseconds(200);

// Sends `body` until it is acknowledged or the run stops; false when it stopped first.
bool send_until_acknowledged(IngestClient& client, const std::string& topic,
                             const std::string& body, const std::atomic<bool>& stop,
                             GroundTruth& truth) {
  for (bool first = true;; first = false) {
    if (!first) ++truth.retried_requests;
    Status sent = client.post_ndjson(topic, body);
    if (sent.ok()) return true;
    spdlog::warn("simulator: {}; retrying", sent.message());
    if (stop.load()) return false;
    std::this_thread::sleep_for(kRetryPause);
    if (stop.load()) return false;
  }
}

struct Worker {
  uint64_t quota = 0;  // readings to send; 0 without end
  std::atomic<uint64_t> acknowledged{0};
  GroundTruth truth;
};

// Waits until the wall clock is in a later millisecond than `answered`. Caudal stamps a
// request's records with the millisecond it received it, so a request sent after this has a
// later timestamp than every record of a request answered at `answered`: the pipeline, which
// reads ENTRY and OK in timestamp order, sees them in the order they were sent.
void wait_past_millisecond(std::chrono::system_clock::time_point answered) {
  std::this_thread::sleep_until(std::chrono::floor<std::chrono::milliseconds>(answered) +
                                std::chrono::milliseconds(1));
}

void run_connection(const SimulatorOptions& options, uint32_t index, Worker& worker,
                    const std::atomic<bool>& stop) {
  SensorFleet fleet(options.fleet, index);
  IngestClient client(options.host, options.port);
  const double rate = options.rate / options.fleet.connections;
  const Clock::time_point start = Clock::now();
  std::string entry;
  std::string ok;
  uint64_t sent = 0;
  std::optional<std::chrono::system_clock::time_point> ok_answered;
  while (!stop.load() && (worker.quota == 0 || sent < worker.quota)) {
    entry.clear();
    ok.clear();
    fleet.start_round();
    uint64_t in_batch = 0;
    for (;;) {
      uint64_t room = options.batch - in_batch;
      if (worker.quota > 0) room = std::min(room, worker.quota - sent - in_batch);
      if (room == 0) break;
      SensorMessage message = fleet.next(room);
      std::string& body = message.topic == SensorMessage::Topic::kEntry ? entry : ok;
      body.append(message.json).push_back('\n');
      if (message.topic == SensorMessage::Topic::kEntry) ++in_batch;
    }
    CAUDAL_CHECK(!fleet.in_episode(), "an anomaly episode was cut at the end of a request");
    // The readings after the last round's recoveries, the recoveries after the readings that
    // raised the alarms they clear (SensorFleet's rounds).
    if (ok_answered.has_value()) wait_past_millisecond(*ok_answered);
    ok_answered.reset();
    if (!send_until_acknowledged(client, options.entry_topic, entry, stop, worker.truth)) break;
    if (!ok.empty()) {
      wait_past_millisecond(std::chrono::system_clock::now());
      if (!send_until_acknowledged(client, options.ok_topic, ok, stop, worker.truth)) break;
      ok_answered = std::chrono::system_clock::now();
    }
    sent += in_batch;
    // The truth covers what Caudal acknowledged, so a stopped run's truth is exact too.
    const uint64_t retried = worker.truth.retried_requests;
    worker.truth = fleet.truth();
    worker.truth.retried_requests = retried;
    worker.acknowledged.store(sent);
    if (rate > 0) {
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(sent) / rate)));
    }
  }
}

}  // namespace

Result<SimulatorReport> run_simulator(
    const SimulatorOptions& options, const std::atomic<bool>& stop,
    const std::function<void(const SimulatorProgress&)>& progress) {
  const uint32_t connections = options.fleet.connections;
  if (connections == 0 || options.fleet.sensors < connections || options.batch == 0) {
    return Status(Errc::kOutOfRange,
                  fmt::format("the simulator needs at least one connection, a batch of at least "
                              "one reading and a sensor per connection ({} connections, {} "
                              "sensors, batch {})",
                              connections, options.fleet.sensors, options.batch));
  }
  std::vector<Worker> workers(connections);
  for (uint32_t i = 0; i < connections; ++i) {
    workers[i].quota = options.readings / connections + (i < options.readings % connections);
  }
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> threads;
  std::atomic<uint32_t> running{connections};
  for (uint32_t i = 0; i < connections; ++i) {
    threads.emplace_back([&, i] {
      if (options.readings == 0 || workers[i].quota > 0) {
        run_connection(options, i, workers[i], stop);
      }
      running.fetch_sub(1);
    });
  }
  Clock::time_point next_report = start + std::chrono::seconds(1);
  while (running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (Clock::now() < next_report) continue;
    next_report += std::chrono::seconds(1);
    SimulatorProgress now{.elapsed = Clock::now() - start};
    for (const Worker& worker : workers) now.readings += worker.acknowledged.load();
    if (progress) progress(now);
  }
  for (std::thread& thread : threads) thread.join();
  SimulatorReport report;
  report.elapsed = Clock::now() - start;
  for (const Worker& worker : workers) report.truth.add(worker.truth);
  report.readings_per_second =
      report.elapsed.count() > 0 ? static_cast<double>(report.truth.readings) /
                                       report.elapsed.count()
                                 : 0;
  return report;
}

}  // namespace caudal::demo
