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

// The seed's rules, applied to the messages as Caudal sees them, written apart from the
// fleet's own bookkeeping: the two must agree.
struct RuleChecker {
  struct State {
    std::string streak;
    int length = 0;
    bool alarmed = false;
  };
  std::map<uint64_t, State> sensors;
  GroundTruth truth;

  void see(const SensorMessage& m) {
    State& s = sensors[m.id];
    if (m.topic == SensorMessage::Topic::kOk) {
      EXPECT_TRUE(s.alarmed) << "recovery of a sensor without an alarm: " << m.json;
      s.alarmed = false;
      ++truth.recoveries;
      return;
    }
    ++truth.readings;
    const bool motion = has(m.json, R"("motion":true)");
    const bool smoke = has(m.json, R"("smoke":true)");
    const bool hot = number_after(m.json, R"("temperature":)") >
                     number_after(m.json, R"("max_temperature":)");
    EXPECT_LE(motion + smoke + hot, 1) << m.json;
    if (s.alarmed) {
      EXPECT_FALSE(motion || smoke || hot) << "anomaly while alarmed: " << m.json;
    }
    if (motion || smoke || hot) ++truth.anomalous;
    if (motion) {
      ++truth.alarms[0];
      s = State{.streak = "", .length = 0, .alarmed = true};
      return;
    }
    const std::string kind = smoke ? "smoke" : hot ? "temperature" : "";
    if (kind.empty()) {
      s.streak.clear();
      s.length = 0;
      return;
    }
    s.length = s.streak == kind ? s.length + 1 : 1;
    s.streak = kind;
    if (s.length == 3) {
      ++truth.alarms[smoke ? 1 : 2];
      s = State{.streak = "", .length = 0, .alarmed = true};
    }
  }
};

FleetOptions options() {
  return FleetOptions{.seed = 99, .sensors = 300, .connections = 3,
                      .anomaly_probability = 0.05, .recovery_probability = 0.1};
}

TEST(SensorFleetTest, TruthFollowsTheSeedsRules) {
  for (uint32_t connection = 0; connection < 3; ++connection) {
    SensorFleet fleet(options(), connection);
    RuleChecker checker;
    for (int i = 0; i < 30000; ++i) checker.see(fleet.next());
    EXPECT_EQ(ground_truth_json(fleet.truth()), ground_truth_json(checker.truth));
    // Enough of everything that the comparison means something.
    for (uint64_t alarms : fleet.truth().alarms) EXPECT_GT(alarms, 50u);
    EXPECT_GT(fleet.truth().recoveries, 100u);
    // Short bursts happened: more smoke/temperature readings than three per alarm.
    EXPECT_GT(fleet.truth().anomalous,
              fleet.truth().alarms[0] + 3 * (fleet.truth().alarms[1] + fleet.truth().alarms[2]));
  }
}

TEST(SensorFleetTest, ConnectionsOwnDisjointSensorsAndRepeatThemselves) {
  std::set<uint64_t> seen[3];
  for (uint32_t connection = 0; connection < 3; ++connection) {
    SensorFleet a(options(), connection);
    SensorFleet b(options(), connection);
    for (int i = 0; i < 2000; ++i) {
      SensorMessage m = a.next();
      EXPECT_EQ(m.json, b.next().json);
      EXPECT_EQ((m.id - 1) % 3, connection);
      seen[connection].insert(m.id);
    }
  }
  EXPECT_EQ(seen[0].size() + seen[1].size() + seen[2].size(), 300u);
}

TEST(SensorFleetTest, ReadingsHaveTheSeedsFields) {
  SensorFleet fleet(options(), 0);
  SensorMessage m = fleet.next();
  while (m.topic != SensorMessage::Topic::kEntry) m = fleet.next();
  EXPECT_TRUE(m.json.starts_with(R"({"id":)")) << m.json;
  for (std::string_view key : {R"("motion":)", R"("smoke":)", R"("temperature":)",
                               R"("max_temperature":)"}) {
    EXPECT_TRUE(has(m.json, key)) << m.json;
  }
}

}  // namespace
}  // namespace caudal::demo
