#include "demo/ground_truth.h"

#include <fmt/format.h>

#include "common/file_system.h"

namespace caudal::demo {

std::string_view alarm_type_name(AlarmType type) {
  switch (type) {
    case AlarmType::kMotion: return "motion";
    case AlarmType::kSmoke: return "smoke";
    case AlarmType::kTemperature: return "temperature";
  }
  return "unknown";
}

void GroundTruth::add(const GroundTruth& other) {
  readings += other.readings;
  anomalous += other.anomalous;
  recoveries += other.recoveries;
  for (size_t i = 0; i < kAlarmTypes; ++i) alarms[i] += other.alarms[i];
  retried_requests += other.retried_requests;
}

std::string ground_truth_json(const GroundTruth& truth) {
  return fmt::format(
      R"({{"readings":{},"anomalous":{},"recoveries":{},"alarms":{{"motion":{},"smoke":{},)"
      R"("temperature":{}}},"alarms_total":{},"retried_requests":{}}})",
      truth.readings, truth.anomalous, truth.recoveries, truth.alarms[0], truth.alarms[1],
      truth.alarms[2], truth.alarm_total(), truth.retried_requests);
}

Status write_ground_truth(const std::filesystem::path& path, const GroundTruth& truth) {
  return write_file_atomically(PosixFileSystem::instance(), path,
                               as_bytes(ground_truth_json(truth) + "\n"));
}

}  // namespace caudal::demo
