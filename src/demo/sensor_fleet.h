// SensorFleet: the sensors of one simulator connection and the messages they send, with the
// ground truth of what Caudal's rules must make of them. Deterministic from (seed, connection,
// connections): a connection owns the sensors whose id - 1 is its index modulo the number of
// connections, so every sensor's messages leave in order on one connection.
//
// Messages come in rounds: the readings of a round go to ENTRY in one request, then its
// recoveries to OK in another (docs/demo.md, "What the example relies on"). The truth applies
// the rules exactly as examples/alarms/caudal.yaml's `threshold` step does, per sensor:
//   - an anomalous reading (motion, smoke, or temperature above the sensor's maximum) adds one
//     to the sensor's count; a normal one resets the count of a sensor without an alarm;
//   - a sensor without an alarm raises one when its count reaches 1 for a motion reading, 3
//     for a smoke or temperature reading, of the type of that reading;
//   - a recovery (a message on OK) clears the sensor's alarm and its count.
// The fleet only makes messages for which the order Caudal sees them in cannot change the
// result, even when a request is appended twice (a retry after Caudal died before answering):
//   - an anomaly episode (its one to three anomalous readings and, when they raise no alarm,
//     one normal reading) lies inside one round, so an ENTRY request appended twice gives
//     the same alarms: the copy of an episode that raised an alarm counts while the alarm is
//     active, the copy of a false alarm is reset by its normal reading;
//   - a sensor with an active alarm sends only normal readings, and a sensor recovered in a
//     round starts no anomaly before the next round.
// Single-threaded: one fleet per connection thread.
#pragma once

#include <cstdint>
#include <optional>
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
  // The most readings one anomaly episode takes: three anomalous readings, or two and the
  // normal one that ends a false alarm.
  static constexpr uint64_t kLongestEpisode = 3;

  // Precondition: connection < options.connections, options.sensors > connection.
  SensorFleet(const FleetOptions& options, uint32_t connection);

  // Starts a round: the messages until the next call go out as one ENTRY request, then one OK
  // request, and Caudal appends the OK request after the ENTRY one and before the next round's.
  void start_round();

  // The next message of one of this connection's sensors; updates the ground truth. `room` is
  // how many more readings this round's ENTRY request may take: an episode starts only when
  // it fits, and the caller keeps calling (room > 0) while in_episode().
  SensorMessage next(uint64_t room);

  // True while an episode's readings are still to come: the round must not end yet.
  bool in_episode() const { return episode_.has_value(); }

  const GroundTruth& truth() const { return truth_; }

 private:
  enum class Anomaly : uint8_t { kNone, kMotion, kSmoke, kTemperature };
  struct Sensor {
    uint64_t id = 0;
    double max_temperature = 0;
    Anomaly burst = Anomaly::kNone;  // the anomaly being sent
    uint8_t burst_left = 0;          // readings of it still to send
    uint8_t count = 0;               // the rules' count (saturates; only 1 and 3 matter)
    bool alarmed = false;
    uint64_t recovered_round = 0;  // the round of its last recovery (0: none)
  };

  std::string reading_json(const Sensor& sensor, Anomaly anomaly);
  void start_anomaly(Sensor& sensor);
  // Applies the rules to a reading of `anomaly`, as Caudal must.
  void count(Sensor& sensor, Anomaly anomaly);

  FleetOptions options_;
  Random random_;
  std::vector<Sensor> sensors_;
  std::optional<size_t> episode_;  // the sensor whose episode is under way
  uint64_t round_ = 1;  // from 1: a recovered_round of 0 is none
  GroundTruth truth_;
};

}  // namespace caudal::demo
