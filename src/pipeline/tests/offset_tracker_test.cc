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

TEST(OffsetTrackerTest, AForgottenSourceCommitsNothingOfWhatWasInFlight) {
  OffsetTracker tracker(0);
  EXPECT_EQ(tracker.add_source(), 0u);
  EXPECT_EQ(tracker.add_source(), 1u);
  const uint64_t done = tracker.open(0, log::Offset(10));
  const uint64_t in_flight = tracker.open(0, log::Offset(20));
  const uint64_t other = tracker.open(1, log::Offset(7));
  tracker.complete(done);
  EXPECT_EQ(tracker.committable(0), log::Offset(10));
  // The partition is revoked: what completes afterwards belongs to its next owner.
  tracker.forget(0);
  EXPECT_FALSE(tracker.committable(0).has_value());
  tracker.complete(in_flight);
  EXPECT_FALSE(tracker.committable(0).has_value());
  // Assigned again later: it starts over from new tickets.
  const uint64_t again = tracker.open(0, log::Offset(15));
  tracker.complete(again);
  EXPECT_EQ(tracker.committable(0), log::Offset(15));
  tracker.complete(other);
  EXPECT_EQ(tracker.committable(1), log::Offset(7));
  EXPECT_EQ(tracker.open_tickets(), 0u);
}

}  // namespace
}  // namespace caudal::pipeline
