// SensorFleet: the sensors of one simulator connection and the messages they send, with the
// ground truth of what Caudal's rules must make of them. Deterministic from (seed, connection,
// connections): a connection owns the sensors whose id - 1 is its index modulo the number of
// connections, so every sensor's messages leave in order on one connection.
//
// The rules the ground truth follows (docs/demo.md, seed 004):
//   - a reading with motion raises a "motion" alarm at once;
//   - three consecutive readings of one sensor with smoke (or with temperature above the
//     sensor's maximum) raise a "smoke" (or "temperature") alarm; any other reading of that
//     sensor in between starts the count again;
//   - a sensor with an active alarm sends normal readings until it recovers, and then sends
//     one message to the OK topic.
// Single-threaded: one fleet per connection thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "demo/ground_truth.h"
#include "demo/random.h"

namespace caudal::demo {

struct FleetOptions {
  uint64_t seed = 1;
  uint64_t sensors = 50000;  // ids 1..sensors, as the customers
  uint32_t connections = 1;
  // Chance that a reading of a quiet sensor starts an anomaly.
  double anomaly_probability = 0.002;
  // Chance that a reading of a sensor with an active alarm is replaced by its recovery.
  double recovery_probability = 0.02;
};

struct SensorMessage {
  enum class Topic { kEntry, kOk };
  Topic topic = Topic::kEntry;
  uint64_t id = 0;
  std::string json;  // one line, no line end
};

class SensorFleet {
 public:
  // Precondition: connection < options.connections, options.sensors > connection.
  SensorFleet(const FleetOptions& options, uint32_t connection);

  // The next message of one of this connection's sensors; updates the ground truth.
  SensorMessage next();

  const GroundTruth& truth() const { return truth_; }

 private:
  enum class Anomaly : uint8_t { kNone, kMotion, kSmoke, kTemperature };
  struct Sensor {
    uint64_t id = 0;
    double max_temperature = 0;
    Anomaly burst = Anomaly::kNone;  // the anomaly being sent
    uint8_t burst_left = 0;          // readings of it still to send
    Anomaly streak = Anomaly::kNone;  // what the rules count: the last readings' anomaly
    uint8_t streak_length = 0;
    bool alarmed = false;
    bool rest = false;  // a false alarm just ended: the next reading is normal
  };

  std::string reading_json(const Sensor& sensor, Anomaly anomaly);
  void start_anomaly(Sensor& sensor);
  // Applies the rules to a reading of `anomaly`, as Caudal must.
  void count(Sensor& sensor, Anomaly anomaly);

  FleetOptions options_;
  Random random_;
  std::vector<Sensor> sensors_;
  GroundTruth truth_;
};

}  // namespace caudal::demo
