#include "demo/sensor_fleet.h"

#include <fmt/format.h>

#include "common/check.h"

namespace caudal::demo {
namespace {

constexpr uint8_t kAlarmAfter = 3;  // consecutive smoke or temperature readings

}  // namespace

SensorFleet::SensorFleet(const FleetOptions& options, uint32_t connection)
    : options_(options), random_(Random::stream(options.seed, connection)) {
  CAUDAL_CHECK(connection < options.connections && options.sensors > connection,
               "a simulator connection without sensors");
  for (uint64_t id = connection + 1; id <= options.sensors; id += options.connections) {
    // The maximum is the sensor's own (a kitchen runs hotter than a bedroom): 30.0 to 59.5.
    Random sensor_random = Random::stream(options.seed ^ 0x5EA5011Dull, id);
    sensors_.push_back(Sensor{.id = id,
                              .max_temperature = 30.0 + 0.5 * static_cast<double>(
                                                                  sensor_random.below(60))});
  }
}

std::string SensorFleet::reading_json(const Sensor& sensor, Anomaly anomaly) {
  const double temperature =
      anomaly == Anomaly::kTemperature
          ? sensor.max_temperature + 0.5 * static_cast<double>(random_.between(1, 30))
          : 16.0 + 0.1 * static_cast<double>(random_.below(100));
  return fmt::format(
      R"({{"id":{},"motion":{},"smoke":{},"temperature":{:.1f},"max_temperature":{:.1f}}})",
      sensor.id, anomaly == Anomaly::kMotion, anomaly == Anomaly::kSmoke, temperature,
      sensor.max_temperature);
}

void SensorFleet::start_anomaly(Sensor& sensor) {
  const uint64_t kind = random_.below(10);
  if (kind < 4) {
    sensor.burst = Anomaly::kMotion;
    sensor.burst_left = 1;
    return;
  }
  sensor.burst = kind < 7 ? Anomaly::kSmoke : Anomaly::kTemperature;
  // Three readings make an alarm; one in four anomalies is a shorter false alarm.
  sensor.burst_left = random_.chance(0.25) ? static_cast<uint8_t>(random_.between(1, 2))
                                           : kAlarmAfter;
}

void SensorFleet::count(Sensor& sensor, Anomaly anomaly) {
  if (anomaly == Anomaly::kNone) {
    if (!sensor.alarmed) sensor.count = 0;
    return;
  }
  ++truth_.anomalous;
  if (sensor.count < kAlarmAfter) ++sensor.count;
  if (sensor.alarmed) return;
  const uint8_t needed = anomaly == Anomaly::kMotion ? 1 : kAlarmAfter;
  if (sensor.count < needed) return;
  const AlarmType type = anomaly == Anomaly::kMotion  ? AlarmType::kMotion
                         : anomaly == Anomaly::kSmoke ? AlarmType::kSmoke
                                                      : AlarmType::kTemperature;
  ++truth_.alarms[static_cast<size_t>(type)];
  sensor.alarmed = true;
}

void SensorFleet::start_round() { ++round_; }

SensorMessage SensorFleet::next(uint64_t room) {
  CAUDAL_CHECK(room > 0, "a sensor reading asked for with no room left in the request");
  const size_t index = episode_.has_value() ? *episode_ : random_.below(sensors_.size());
  Sensor& sensor = sensors_[index];
  if (!episode_.has_value() && sensor.alarmed && random_.chance(options_.recovery_probability)) {
    sensor.alarmed = false;
    sensor.count = 0;
    sensor.recovered_round = round_;
    ++truth_.recoveries;
    return SensorMessage{.topic = SensorMessage::Topic::kOk,
                         .id = sensor.id,
                         .json = fmt::format(R"({{"id":{},"status":"ok"}})", sensor.id)};
  }
  Anomaly anomaly = Anomaly::kNone;
  if (episode_.has_value()) {
    // The episode's next anomalous reading, or the normal one that ends a false alarm.
    if (sensor.burst_left > 0) {
      anomaly = sensor.burst;
      --sensor.burst_left;
    }
  } else if (!sensor.alarmed && sensor.recovered_round != round_ && room >= kLongestEpisode &&
             random_.chance(options_.anomaly_probability)) {
    start_anomaly(sensor);
    anomaly = sensor.burst;
    --sensor.burst_left;
    episode_ = index;
  }
  count(sensor, anomaly);
  if (episode_.has_value() && sensor.burst_left == 0 &&
      (sensor.alarmed || anomaly == Anomaly::kNone)) {
    episode_.reset();
    sensor.burst = Anomaly::kNone;
  }
  ++truth_.readings;
  return SensorMessage{.topic = SensorMessage::Topic::kEntry,
                       .id = sensor.id,
                       .json = reading_json(sensor, anomaly)};
}

}  // namespace caudal::demo
