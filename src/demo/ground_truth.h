// What the sensor simulator sent and what Caudal must therefore report: the alarms that must
// activate, by type, and the recoveries. docs/demo.md defines the rules the counts follow.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace caudal::demo {

enum class AlarmType { kMotion, kSmoke, kTemperature };
inline constexpr size_t kAlarmTypes = 3;

// "motion", "smoke", "temperature": the `type` Caudal's rules give an alarm.
std::string_view alarm_type_name(AlarmType type);

struct GroundTruth {
  uint64_t readings = 0;      // messages sent to the ENTRY topic
  uint64_t anomalous = 0;     // readings with an anomaly (motion, smoke or temperature)
  uint64_t recoveries = 0;    // messages sent to the OK topic, each clearing an active alarm
  std::array<uint64_t, kAlarmTypes> alarms{};  // alarms that must activate, by AlarmType
  uint64_t retried_requests = 0;  // requests sent again after a failure (may be duplicates)

  uint64_t alarm_total() const { return alarms[0] + alarms[1] + alarms[2]; }
  void add(const GroundTruth& other);
};

// {"readings":N,"anomalous":N,"recoveries":N,"alarms":{"motion":N,"smoke":N,"temperature":N},
//  "alarms_total":N,"retried_requests":N}
std::string ground_truth_json(const GroundTruth& truth);

// Writes the JSON (and a line end) to `path` atomically (common/file_system.h).
Status write_ground_truth(const std::filesystem::path& path, const GroundTruth& truth);

}  // namespace caudal::demo
