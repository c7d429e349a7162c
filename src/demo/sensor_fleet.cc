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
    sensor.streak = Anomaly::kNone;
    sensor.streak_length = 0;
    return;
  }
  ++truth_.anomalous;
  if (anomaly == Anomaly::kMotion) {
    ++truth_.alarms[static_cast<size_t>(AlarmType::kMotion)];
    sensor.alarmed = true;
    sensor.streak = Anomaly::kNone;
    sensor.streak_length = 0;
    return;
  }
  sensor.streak_length = sensor.streak == anomaly ? sensor.streak_length + 1 : 1;
  sensor.streak = anomaly;
  if (sensor.streak_length == kAlarmAfter) {
    ++truth_.alarms[static_cast<size_t>(anomaly == Anomaly::kSmoke ? AlarmType::kSmoke
                                                                   : AlarmType::kTemperature)];
    sensor.alarmed = true;
    sensor.streak = Anomaly::kNone;
    sensor.streak_length = 0;
  }
}

SensorMessage SensorFleet::next() {
  Sensor& sensor = sensors_[random_.below(sensors_.size())];
  if (sensor.alarmed && random_.chance(options_.recovery_probability)) {
    sensor.alarmed = false;
    ++truth_.recoveries;
    return SensorMessage{.topic = SensorMessage::Topic::kOk,
                         .id = sensor.id,
                         .json = fmt::format(R"({{"id":{},"status":"ok"}})", sensor.id)};
  }
  Anomaly anomaly = Anomaly::kNone;
  if (!sensor.alarmed) {
    if (sensor.burst == Anomaly::kNone && !sensor.rest &&
        random_.chance(options_.anomaly_probability)) {
      start_anomaly(sensor);
    }
    sensor.rest = false;
    if (sensor.burst != Anomaly::kNone) {
      anomaly = sensor.burst;
      if (--sensor.burst_left == 0) {
        sensor.burst = Anomaly::kNone;
        sensor.rest = true;
      }
    }
  }
  count(sensor, anomaly);
  ++truth_.readings;
  return SensorMessage{.topic = SensorMessage::Topic::kEntry,
                       .id = sensor.id,
                       .json = reading_json(sensor, anomaly)};
}

}  // namespace caudal::demo
