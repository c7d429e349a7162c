// The sensor simulator (`caudal simulate alarms`): SensorFleets on several keep-alive
// connections post NDJSON batches of readings to the ENTRY topic and recoveries to the OK
// topic, at a rate or as fast as they can, and add up the ground truth.
//
// Each connection sends its batches one after the other (the next only after the answer), so
// a sensor's messages are appended in the order they were made; keyed by id, they also stay
// in one partition. A failed request is retried (after 200 ms) until it succeeds or the run
// is stopped: the truth stays exact unless a request failed after Caudal appended it, which
// `retried_requests` counts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "demo/ground_truth.h"
#include "demo/sensor_fleet.h"

namespace caudal::demo {

struct SimulatorOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string entry_topic = "ENTRY";
  std::string ok_topic = "OK";
  FleetOptions fleet;
  uint64_t readings = 200000;  // in total over all connections; 0: until stopped
  double rate = 0;             // readings per second over all connections; 0: as fast as possible
  uint32_t batch = 500;        // readings per request, at most
};

struct SimulatorProgress {
  uint64_t readings = 0;     // acknowledged by Caudal so far
  std::chrono::duration<double> elapsed{};
};

struct SimulatorReport {
  GroundTruth truth;
  std::chrono::duration<double> elapsed{};
  double readings_per_second = 0;
};

// Runs until `readings` are acknowledged or `stop` becomes true. Calls `progress` from the
// calling thread about once a second. Fails only when the options cannot work (no connection).
Result<SimulatorReport> run_simulator(const SimulatorOptions& options,
                                      const std::atomic<bool>& stop,
                                      const std::function<void(const SimulatorProgress&)>& progress);

}  // namespace caudal::demo
