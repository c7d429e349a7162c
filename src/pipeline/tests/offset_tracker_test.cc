#include "pipeline/runtime/offset_tracker.h"

#include <gtest/gtest.h>

namespace caudal::pipeline {
namespace {

TEST(OffsetTrackerTest, CommitPointMovesOnlyOverCompletedRunsFromTheOldest) {
  OffsetTracker tracker(2);
  const uint64_t a = tracker.open(0, log::Offset(10));
  const uint64_t b = tracker.open(0, log::Offset(20));
  const uint64_t c = tracker.open(0, log::Offset(30));
  const uint64_t other = tracker.open(1, log::Offset(5));
  EXPECT_FALSE(tracker.committable(0).has_value());
  tracker.complete(b);  // acknowledged out of order: nothing before it is, so no commit yet
  EXPECT_FALSE(tracker.committable(0).has_value());
  tracker.complete(a);
  EXPECT_EQ(tracker.committable(0), log::Offset(20));
  EXPECT_FALSE(tracker.committable(1).has_value());
  tracker.complete(other);
  EXPECT_EQ(tracker.committable(1), log::Offset(5));
  EXPECT_EQ(tracker.open_tickets(), 1u);
  tracker.complete(c);
  EXPECT_EQ(tracker.committable(0), log::Offset(30));
  EXPECT_EQ(tracker.open_tickets(), 0u);
}

}  // namespace
}  // namespace caudal::pipeline
