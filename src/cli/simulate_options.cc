#include "cli/simulate_options.h"

#include <charconv>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "common/errc.h"

namespace caudal::cli {

void add_simulate_options(CLI::App& command, SimulateArgs& args) {
  command.add_option("--http", args.http, "Caudal's HTTP listener, host:port")
      ->capture_default_str();
  command.add_option("-n,--readings", args.readings, "Readings to send in all; 0: until Ctrl-C")
      ->capture_default_str();
  command.add_option("--rate", args.rate, "Readings per second; 0: as fast as possible")
      ->capture_default_str();
  command.add_option("--connections", args.connections, "HTTP connections, each its own sensors")
      ->capture_default_str();
  command.add_option("--batch", args.batch, "Readings per request")->capture_default_str();
  command.add_option("--sensors", args.sensors, "Sensors (ids 1..sensors, as the customers)")
      ->capture_default_str();
  command.add_option("--seed", args.seed, "Same seed and options, same messages")
      ->capture_default_str();
  command.add_option("--anomaly-probability", args.anomaly_probability,
                     "Chance that a reading of a quiet sensor starts an anomaly")
      ->capture_default_str();
  command.add_option("--recovery-probability", args.recovery_probability,
                     "Chance that a reading of an alarmed sensor is its recovery instead")
      ->capture_default_str();
  command.add_option("--truth", args.truth, "Write the ground truth (JSON) to this file");
}

Result<demo::SimulatorOptions> simulator_options(const SimulateArgs& args) {
  const size_t colon = args.http.rfind(':');
  uint16_t port = 0;
  if (colon == std::string::npos || colon == 0) {
    return Status(Errc::kOutOfRange,
                  fmt::format("--http: expected host:port, found '{}'", args.http));
  }
  const char* first = args.http.data() + colon + 1;
  const char* last = args.http.data() + args.http.size();
  const auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || end != last || port == 0) {
    return Status(Errc::kOutOfRange,
                  fmt::format("--http: expected a port from 1 to 65535 after ':', found '{}'",
                              args.http));
  }
  demo::SimulatorOptions options;
  options.host = args.http.substr(0, colon);
  options.port = port;
  options.readings = args.readings;
  options.rate = args.rate;
  options.batch = args.batch;
  options.fleet = demo::FleetOptions{.seed = args.seed,
                                     .sensors = args.sensors,
                                     .connections = args.connections,
                                     .anomaly_probability = args.anomaly_probability,
                                     .recovery_probability = args.recovery_probability};
  return options;
}

void print_simulator_progress(const demo::SimulatorProgress& progress) {
  const double seconds = progress.elapsed.count();
  fmt::print(stderr, "simulate: {} readings in {:.0f} s ({:.0f}/s)\n", progress.readings,
             seconds, seconds > 0 ? static_cast<double>(progress.readings) / seconds : 0.0);
}

int finish_simulation(const SimulateArgs& args, const demo::SimulatorReport& report) {
  const demo::GroundTruth& truth = report.truth;
  fmt::print(
      "sent {} readings and {} recoveries in {:.1f} s ({:.0f} readings/s); alarms that must "
      "activate: {} motion, {} smoke, {} temperature\n",
      truth.readings, truth.recoveries, report.elapsed.count(), report.readings_per_second,
      truth.alarms[0], truth.alarms[1], truth.alarms[2]);
  if (truth.retried_requests > 0) {
    fmt::print("{} requests were retried after a failure: Caudal may hold some twice\n",
               truth.retried_requests);
  }
  if (!args.truth.empty()) {
    if (Status s = demo::write_ground_truth(args.truth, truth); !s.ok()) {
      fmt::print(stderr, "caudal: {}\n", s.message());
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace caudal::cli
