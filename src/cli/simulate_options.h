// The options of the sensor simulator, shared by `caudal simulate alarms` and
// `caudal demo alarms` (which runs it against the server it started).
#pragma once

#include <cstdint>
#include <string>

#include <CLI/App.hpp>

#include "common/result.h"
#include "demo/simulator.h"

namespace caudal::cli {

struct SimulateArgs {
  std::string http = "127.0.0.1:8080";  // host:port of Caudal's HTTP listener
  uint64_t readings = 200000;           // 0: until Ctrl-C
  double rate = 0;                      // readings/s; 0: as fast as possible
  uint32_t connections = 4;
  uint32_t batch = 500;
  uint64_t sensors = 50000;
  uint64_t seed = 1;
  double anomaly_probability = 0.002;
  double recovery_probability = 0.02;
  std::string truth;  // where to write the ground truth; empty: nowhere
};

void add_simulate_options(CLI::App& command, SimulateArgs& args);

// kOutOfRange naming the option when `args.http` is not host:port.
Result<demo::SimulatorOptions> simulator_options(const SimulateArgs& args);

// One line on stderr: readings so far and the rate.
void print_simulator_progress(const demo::SimulatorProgress& progress);

// Prints the summary, writes the ground truth when asked; the exit code.
int finish_simulation(const SimulateArgs& args, const demo::SimulatorReport& report);

}  // namespace caudal::cli
