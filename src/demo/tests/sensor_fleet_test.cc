#include "demo/sensor_fleet.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

namespace caudal::demo {
namespace {

bool has(const std::string& json, std::string_view text) {
  return json.find(text) != std::string::npos;
}

double number_after(const std::string& json, std::string_view key) {
  return std::stod(json.substr(json.find(key) + key.size()));
}

// The rules of examples/alarms/caudal.yaml's `threshold` step (key_by id; count
// "motion ? 1 : 3", consecutive, cleared from OK), applied to the messages in the order Caudal
// sees them, written apart from the fleet's own bookkeeping: the two must agree.
struct RuleChecker {
  struct State {
    int count = 0;
    bool active = false;
  };
  std::map<uint64_t, State> sensors;
  GroundTruth truth;

  void see(const SensorMessage& m) {
    if (m.topic == SensorMessage::Topic::kOk) {
      auto it = sensors.find(m.id);
      if (it != sensors.end() && it->second.active) ++truth.recoveries;
      if (it != sensors.end()) sensors.erase(it);
      return;
    }
    ++truth.readings;
    const bool motion = has(m.json, R"("motion":true)");
    const bool smoke = has(m.json, R"("smoke":true)");
    const bool hot = number_after(m.json, R"("temperature":)") >
                     number_after(m.json, R"("max_temperature":)");
    EXPECT_LE(motion + smoke + hot, 1) << m.json;
    if (!(motion || smoke || hot)) {
      auto it = sensors.find(m.id);
      if (it != sensors.end() && !it->second.active) sensors.erase(it);
      return;
    }
    ++truth.anomalous;
    State& s = sensors[m.id];
    ++s.count;
    if (s.active || s.count < (motion ? 1 : 3)) return;
    s.active = true;
    ++truth.alarms[motion ? 0 : smoke ? 1 : 2];
  }
};

FleetOptions options() {
  return FleetOptions{.seed = 99, .sensors = 300, .connections = 3,
                      .anomaly_probability = 0.05, .recovery_probability = 0.1};
}

// One round as the simulator makes it: up to `batch` readings, then the recoveries.
struct Round {
  std::vector<SensorMessage> entry;
  std::vector<SensorMessage> ok;
};

Round make_round(SensorFleet& fleet, uint64_t batch) {
  Round round;
  fleet.start_round();
  while (round.entry.size() < batch) {
    SensorMessage m = fleet.next(batch - round.entry.size());
    (m.topic == SensorMessage::Topic::kEntry ? round.entry : round.ok).push_back(std::move(m));
  }
  EXPECT_FALSE(fleet.in_episode());
  return round;
}

TEST(SensorFleetTest, TruthFollowsTheRules) {
  for (uint32_t connection = 0; connection < 3; ++connection) {
    SensorFleet fleet(options(), connection);
    RuleChecker checker;
    for (int i = 0; i < 600; ++i) {
      Round round = make_round(fleet, 50);
      for (const SensorMessage& m : round.entry) checker.see(m);
      for (const SensorMessage& m : round.ok) checker.see(m);
    }
    EXPECT_EQ(ground_truth_json(fleet.truth()), ground_truth_json(checker.truth));
    // Enough of everything that the comparison means something.
    for (uint64_t alarms : fleet.truth().alarms) EXPECT_GT(alarms, 50u);
    EXPECT_GT(fleet.truth().recoveries, 100u);
    // False alarms happened: more smoke/temperature readings than three per alarm.
    EXPECT_GT(fleet.truth().anomalous,
              fleet.truth().alarms[0] + 3 * (fleet.truth().alarms[1] + fleet.truth().alarms[2]));
  }
}

// A request Caudal appended but could not answer (it was killed) is sent again: every round's
// readings, or its recoveries, appended twice, give the same alarms and recoveries.
TEST(SensorFleetTest, RequestsAppendedTwiceChangeNoAlarm) {
  SensorFleet fleet(options(), 1);
  RuleChecker once;
  RuleChecker twice;
  for (int i = 0; i < 600; ++i) {
    Round round = make_round(fleet, i % 2 == 0 ? 3 : 40);  // short rounds cut episodes often
    for (const SensorMessage& m : round.entry) once.see(m);
    for (const SensorMessage& m : round.ok) once.see(m);
    for (int copy = 0; copy < 2; ++copy) {
      for (const SensorMessage& m : round.entry) twice.see(m);
    }
    for (int copy = 0; copy < 2; ++copy) {
      for (const SensorMessage& m : round.ok) twice.see(m);
    }
  }
  EXPECT_EQ(once.truth.alarms, fleet.truth().alarms);
  EXPECT_EQ(twice.truth.alarms, fleet.truth().alarms);
  EXPECT_EQ(twice.truth.recoveries, fleet.truth().recoveries);
  EXPECT_GT(fleet.truth().alarm_total(), 100u);
}

// A sensor recovered in a round raises nothing until the next round: its OK is appended after
// the round's readings, so an anomaly made after the recovery would be counted before it.
TEST(SensorFleetTest, RecoveredSensorsStayQuietForTheRestOfTheirRound) {
  SensorFleet fleet(options(), 2);
  uint64_t checked = 0;
  for (int i = 0; i < 600; ++i) {
    fleet.start_round();
    std::set<uint64_t> recovered;
    RuleChecker probe;  // only to tell anomalous readings
    for (uint64_t readings = 0; readings < 100;) {
      SensorMessage m = fleet.next(100 - readings);
      if (m.topic == SensorMessage::Topic::kOk) {
        recovered.insert(m.id);
        continue;
      }
      ++readings;
      if (!recovered.contains(m.id)) continue;
      const uint64_t before = probe.truth.anomalous;
      probe.see(m);
      EXPECT_EQ(probe.truth.anomalous, before) << "an anomaly after its sensor's recovery: " << m.json;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
}

TEST(SensorFleetTest, ConnectionsOwnDisjointSensorsAndRepeatThemselves) {
  std::set<uint64_t> seen[3];
  for (uint32_t connection = 0; connection < 3; ++connection) {
    SensorFleet a(options(), connection);
    SensorFleet b(options(), connection);
    for (int i = 0; i < 2000; ++i) {
      if (i % 50 == 0) {
        a.start_round();
        b.start_round();
      }
      SensorMessage m = a.next(50 - i % 50);
      EXPECT_EQ(m.json, b.next(50 - i % 50).json);
      EXPECT_EQ((m.id - 1) % 3, connection);
      seen[connection].insert(m.id);
    }
  }
  EXPECT_EQ(seen[0].size() + seen[1].size() + seen[2].size(), 300u);
}

TEST(SensorFleetTest, ReadingsHaveTheSeedsFields) {
  SensorFleet fleet(options(), 0);
  fleet.start_round();
  SensorMessage m = fleet.next(10);
  while (m.topic != SensorMessage::Topic::kEntry) m = fleet.next(10);
  EXPECT_TRUE(m.json.starts_with(R"({"id":)")) << m.json;
  for (std::string_view key : {R"("motion":)", R"("smoke":)", R"("temperature":)",
                               R"("max_temperature":)"}) {
    EXPECT_TRUE(has(m.json, key)) << m.json;
  }
}

}  // namespace
}  // namespace caudal::demo
