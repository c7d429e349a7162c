#include "common/clock.h"

#include <gtest/gtest.h>

namespace caudal {
namespace {

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock;
  auto wall = clock.wall_now();
  auto steady = clock.steady_now();
  EXPECT_EQ(clock.wall_now(), wall);
  clock.advance(std::chrono::seconds(90));
  EXPECT_EQ(clock.wall_now() - wall, std::chrono::seconds(90));
  EXPECT_EQ(clock.steady_now() - steady, std::chrono::seconds(90));
  EXPECT_EQ(clock.wall_millis() % 1000, 0);
}

TEST(ClockTest, SystemClockIsMonotonic) {
  Clock& clock = SystemClock::instance();
  auto a = clock.steady_now();
  auto b = clock.steady_now();
  EXPECT_LE(a, b);
  EXPECT_GT(clock.wall_millis(), 1'600'000'000'000);  // after 2020
}

}  // namespace
}  // namespace caudal
