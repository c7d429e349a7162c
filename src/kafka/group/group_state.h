// The states of a consumer group, as Kafka names them (docs/kafka-protocol.md, Consumer groups).
//
//   Empty ──join──► PreparingRebalance ──every member rejoined, or the rebalance timeout──►
//   CompletingRebalance ──the leader's SyncGroup──► Stable
//
// A join, leave or session expiry in CompletingRebalance or Stable goes back to
// PreparingRebalance; a rebalance that ends with no members goes to Empty. Dead is only ever
// reported (DescribeGroups of a group the coordinator does not know); no Group is in it.
#pragma once

#include <string_view>

namespace caudal::kafka {

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

inline constexpr GroupState kAllGroupStates[] = {
    GroupState::kEmpty, GroupState::kPreparingRebalance, GroupState::kCompletingRebalance,
    GroupState::kStable, GroupState::kDead};

// Kafka's spelling, as DescribeGroups reports it and as the metrics label it.
constexpr std::string_view group_state_name(GroupState state) {
  switch (state) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
    case GroupState::kDead:
      return "Dead";
  }
  return "Dead";
}

}  // namespace caudal::kafka
