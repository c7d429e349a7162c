// The consumer group state machine (group.h) driven by hand: every time is explicit, so each
// timeout is tested exactly at its edge.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kafka/group/group.h"

namespace caudal::kafka {
namespace {

constexpr int32_t kSession = 10000;
constexpr int32_t kRebalance = 30000;
constexpr int32_t kDelay = 3000;

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

JoinCall join_call(std::string member_id, std::vector<std::string> protocols = {"range"},
                   bool require_known = true) {
  JoinCall call;
  call.member_id = std::move(member_id);
  call.client_id = "client";
  call.client_host = "/127.0.0.1";
  call.session_timeout_ms = kSession;
  call.rebalance_timeout_ms = kRebalance;
  call.protocol_type = "consumer";
  for (const std::string& name : protocols) call.protocols.push_back({name, bytes("meta-" + name)});
  call.require_known_member_id = require_known;
  return call;
}

class GroupTest : public ::testing::Test {
 protected:
  GroupTest()
      : group_("g", GroupOptions{6000, 1800000, kDelay},
               [this](const std::string& client) { return client + "-" + std::to_string(++ids_); }) {}

  // Starts a join and returns where its answer will land.
  std::shared_ptr<std::optional<JoinAnswer>> join(JoinCall call) {
    auto answer = std::make_shared<std::optional<JoinAnswer>>();
    group_.join(std::move(call), now_, [answer](JoinAnswer a) { *answer = std::move(a); });
    return answer;
  }

  std::shared_ptr<std::optional<SyncAnswer>> sync(int32_t generation, const std::string& member,
                                                  std::vector<MemberAssignment> assignments = {}) {
    auto answer = std::make_shared<std::optional<SyncAnswer>>();
    group_.sync(generation, member, std::move(assignments), now_,
                [answer](SyncAnswer a) { *answer = std::move(a); });
    return answer;
  }

  // The two-step join of a v4+ client: returns its member id.
  std::string new_member_id() {
    auto first = join(join_call(""));
    EXPECT_TRUE(first->has_value());
    EXPECT_EQ((*first)->error, ErrorCode::kMemberIdRequired);
    return (*first)->member_id;
  }

  void advance_to(int64_t when) {
    now_ = when;
    group_.advance(now_);
  }

  // Advances to each deadline the group reports until it reports none before `until`.
  void run_until(int64_t until) {
    while (auto next = group_.next_deadline()) {
      if (*next > until) break;
      advance_to(std::max(now_, *next));
    }
    now_ = until;
  }

  int64_t now_ = 1'000'000;
  int ids_ = 0;
  Group group_;
};

TEST_F(GroupTest, OneMemberJoinsAfterTheInitialDelayAndSyncsToStable) {
  std::string id = new_member_id();
  EXPECT_EQ(group_.state(), GroupState::kEmpty);
  EXPECT_EQ(group_.pending_member_count(), 1u);
  auto joined = join(join_call(id));
  EXPECT_EQ(group_.state(), GroupState::kPreparingRebalance);
  EXPECT_FALSE(joined->has_value()) << "the first rebalance waits for the initial delay";
  advance_to(now_ + kDelay - 1);
  EXPECT_FALSE(joined->has_value());
  advance_to(now_ + 1);
  ASSERT_TRUE(joined->has_value());
  EXPECT_EQ((*joined)->error, ErrorCode::kNone);
  EXPECT_EQ((*joined)->generation_id, 1);
  EXPECT_EQ((*joined)->leader, id);
  EXPECT_EQ((*joined)->protocol_name, "range");
  ASSERT_EQ((*joined)->members.size(), 1u);
  EXPECT_EQ((*joined)->members[0].metadata, bytes("meta-range"));
  EXPECT_EQ(group_.state(), GroupState::kCompletingRebalance);

  auto synced = sync(1, id, {{id, bytes("all partitions")}});
  ASSERT_TRUE(synced->has_value());
  EXPECT_EQ((*synced)->error, ErrorCode::kNone);
  EXPECT_EQ((*synced)->assignment, bytes("all partitions"));
  EXPECT_EQ(group_.state(), GroupState::kStable);
  EXPECT_EQ(group_.heartbeat(1, id, now_), ErrorCode::kNone);
}

TEST_F(GroupTest, ThreeMembersGetOneGenerationOneLeaderAndTheirOwnAssignments) {
  std::vector<std::string> ids;
  std::vector<std::shared_ptr<std::optional<JoinAnswer>>> joins;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(new_member_id());
    joins.push_back(join(join_call(ids.back(), {"roundrobin", "range"})));
    now_ += 1000;  // each arrival extends the initial delay
  }
  run_until(now_ + kDelay);
  for (auto& answer : joins) {
    ASSERT_TRUE(answer->has_value());
    EXPECT_EQ((*answer)->generation_id, 1);
    EXPECT_EQ((*answer)->leader, ids[0]);
    EXPECT_EQ((*answer)->protocol_name, "roundrobin");
  }
  EXPECT_EQ((*joins[0])->members.size(), 3u) << "the leader sees every member";
  EXPECT_TRUE((*joins[1])->members.empty()) << "followers see none";

  auto follower = sync(1, ids[1]);
  EXPECT_FALSE(follower->has_value()) << "a follower waits for the leader";
  auto leader = sync(1, ids[0], {{ids[0], bytes("a0")}, {ids[1], bytes("a1")}, {ids[2], bytes("a2")}});
  auto late = sync(1, ids[2]);
  ASSERT_TRUE(follower->has_value() && leader->has_value() && late->has_value());
  EXPECT_EQ((*leader)->assignment, bytes("a0"));
  EXPECT_EQ((*follower)->assignment, bytes("a1"));
  EXPECT_EQ((*late)->assignment, bytes("a2"));
  EXPECT_EQ(group_.state(), GroupState::kStable);

  auto described = group_.describe_members();
  ASSERT_EQ(described.size(), 3u);
  EXPECT_EQ(described[1].member_id, ids[1]);
  EXPECT_EQ(described[1].assignment, bytes("a1"));
  EXPECT_EQ(described[1].metadata, bytes("meta-roundrobin"));
}

TEST_F(GroupTest, ProtocolIsTheOneEveryMemberSupportsByVote) {
  std::string a = new_member_id();
  std::string b = new_member_id();
  auto ja = join(join_call(a, {"range", "roundrobin"}));
  auto jb = join(join_call(b, {"sticky", "roundrobin"}));
  run_until(now_ + kDelay);
  ASSERT_TRUE(ja->has_value());
  EXPECT_EQ((*ja)->protocol_name, "roundrobin");
  auto refused = join(join_call("", {"sticky"}, false));
  ASSERT_TRUE(refused->has_value());
  EXPECT_EQ((*refused)->error, ErrorCode::kInconsistentGroupProtocol);
  JoinCall other_type = join_call("", {"roundrobin"}, false);
  other_type.protocol_type = "connect";
  auto wrong_type = join(std::move(other_type));
  EXPECT_EQ((*wrong_type)->error, ErrorCode::kInconsistentGroupProtocol);
}

TEST_F(GroupTest, SessionTimeoutOutsideTheBoundsIsRefused) {
  JoinCall call = join_call("");
  call.session_timeout_ms = 5999;
  auto answer = join(std::move(call));
  ASSERT_TRUE(answer->has_value());
  EXPECT_EQ((*answer)->error, ErrorCode::kInvalidSessionTimeout);
  EXPECT_TRUE(group_.is_idle());
}

// Brings a group of the given members to Stable in generation 1; returns their ids.
class StableGroupTest : public GroupTest {
 protected:
  std::vector<std::string> make_stable(int count) {
    std::vector<std::string> ids;
    std::vector<std::shared_ptr<std::optional<JoinAnswer>>> joins;
    for (int i = 0; i < count; ++i) {
      ids.push_back(new_member_id());
      joins.push_back(join(join_call(ids.back())));
    }
    run_until(now_ + kDelay);
    for (auto& j : joins) EXPECT_TRUE(j->has_value());
    int32_t generation = (*joins[0])->generation_id;
    std::vector<MemberAssignment> assignments;
    for (const auto& id : ids) assignments.push_back({id, bytes("for " + id)});
    for (int i = 1; i < count; ++i) sync(generation, ids[i]);
    auto leader = sync(generation, ids[0], assignments);
    EXPECT_TRUE(leader->has_value());
    EXPECT_EQ(group_.state(), GroupState::kStable);
    return ids;
  }
};

TEST_F(StableGroupTest, NewMemberTriggersARebalanceAndHeartbeatsSayRejoin) {
  auto ids = make_stable(2);
  std::string newcomer = new_member_id();
  auto newcomer_join = join(join_call(newcomer));
  EXPECT_EQ(group_.state(), GroupState::kPreparingRebalance);
  EXPECT_FALSE(newcomer_join->has_value());
  EXPECT_EQ(group_.heartbeat(1, ids[0], now_), ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(group_.heartbeat(1, ids[1], now_), ErrorCode::kRebalanceInProgress);
  auto sync_now = sync(1, ids[0]);
  EXPECT_EQ((*sync_now)->error, ErrorCode::kRebalanceInProgress);

  auto j0 = join(join_call(ids[0]));
  EXPECT_FALSE(j0->has_value());
  auto j1 = join(join_call(ids[1]));
  ASSERT_TRUE(j0->has_value() && j1->has_value() && newcomer_join->has_value())
      << "the join completes as soon as every member has rejoined";
  EXPECT_EQ((*j1)->generation_id, 2);
  EXPECT_EQ((*j0)->leader, ids[0]) << "the leader stays while it is a member";
  EXPECT_EQ((*j0)->members.size(), 3u);
  EXPECT_EQ(group_.heartbeat(1, ids[0], now_), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(group_.heartbeat(2, ids[0], now_), ErrorCode::kNone);
}

TEST_F(StableGroupTest, MembersThatDoNotRejoinAreRemovedAtTheRebalanceTimeout) {
  auto ids = make_stable(3);
  auto j0 = join(join_call(ids[0], {"range", "roundrobin"}));  // changed metadata: rebalance
  EXPECT_EQ(group_.state(), GroupState::kPreparingRebalance);
  now_ += 1000;
  auto j1 = join(join_call(ids[1]));
  // ids[2] keeps heartbeating but never rejoins.
  int64_t started = now_ - 1000;
  while (now_ < started + kRebalance - 1000) {
    now_ += 1000;
    EXPECT_EQ(group_.heartbeat(1, ids[2], now_), ErrorCode::kRebalanceInProgress);
    group_.advance(now_);
  }
  EXPECT_FALSE(j0->has_value());
  advance_to(started + kRebalance);
  ASSERT_TRUE(j0->has_value() && j1->has_value());
  EXPECT_EQ((*j0)->generation_id, 2);
  EXPECT_EQ((*j0)->members.size(), 2u);
  EXPECT_FALSE(group_.has_member(ids[2]));
  EXPECT_EQ(group_.heartbeat(2, ids[2], now_), ErrorCode::kUnknownMemberId);
}

TEST_F(StableGroupTest, SessionExpiryRemovesTheMemberAndRebalancesTheRest) {
  auto ids = make_stable(2);
  int64_t start = now_;
  // ids[0] heartbeats, ids[1] goes silent.
  for (int64_t t = start + 3000; t < start + kSession; t += 3000) {
    now_ = t;
    EXPECT_EQ(group_.heartbeat(1, ids[0], now_), ErrorCode::kNone);
    group_.advance(now_);
  }
  EXPECT_TRUE(group_.has_member(ids[1]));
  ASSERT_TRUE(group_.next_deadline().has_value());
  EXPECT_EQ(*group_.next_deadline(), start + kSession);
  advance_to(start + kSession);
  EXPECT_FALSE(group_.has_member(ids[1]));
  EXPECT_EQ(group_.state(), GroupState::kPreparingRebalance);
  EXPECT_EQ(group_.heartbeat(1, ids[0], now_), ErrorCode::kRebalanceInProgress);
  auto j0 = join(join_call(ids[0]));
  ASSERT_TRUE(j0->has_value());
  EXPECT_EQ((*j0)->generation_id, 2);
  EXPECT_EQ((*j0)->members.size(), 1u);
}

TEST_F(StableGroupTest, LastMemberExpiringEmptiesTheGroup) {
  auto ids = make_stable(1);
  advance_to(now_ + kSession);
  EXPECT_EQ(group_.state(), GroupState::kEmpty);
  EXPECT_EQ(group_.member_count(), 0u);
  EXPECT_TRUE(group_.is_idle());
  EXPECT_EQ(group_.generation_id(), 2);
}

TEST_F(GroupTest, PendingMemberIdsExpireAndAreNotWaitedFor) {
  std::string pending = new_member_id();
  std::string id = new_member_id();
  auto joined = join(join_call(id));
  advance_to(now_ + kDelay);
  ASSERT_TRUE(joined->has_value()) << "the join did not wait for the pending id";
  EXPECT_EQ(group_.pending_member_count(), 1u);
  advance_to(now_ + kSession);
  EXPECT_EQ(group_.pending_member_count(), 0u);
  auto too_late = join(join_call(pending));
  ASSERT_TRUE(too_late->has_value());
  EXPECT_EQ((*too_late)->error, ErrorCode::kUnknownMemberId);
}

TEST_F(GroupTest, UnknownMemberIdsAreRefused) {
  auto answer = join(join_call("nobody"));
  EXPECT_EQ((*answer)->error, ErrorCode::kUnknownMemberId);
  EXPECT_EQ(group_.heartbeat(0, "nobody", now_), ErrorCode::kUnknownMemberId);
  EXPECT_EQ((*sync(0, "nobody"))->error, ErrorCode::kUnknownMemberId);
  EXPECT_EQ(group_.leave("nobody", now_), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupTest, OldClientsWithoutMemberIdRequiredJoinAtOnce) {
  auto answer = join(join_call("", {"range"}, false));
  advance_to(now_ + kDelay);
  ASSERT_TRUE(answer->has_value());
  EXPECT_EQ((*answer)->error, ErrorCode::kNone);
  EXPECT_FALSE((*answer)->member_id.empty());
  EXPECT_EQ((*answer)->leader, (*answer)->member_id);
}

TEST_F(StableGroupTest, SyncWithTheWrongGenerationIsIllegal) {
  auto ids = make_stable(1);
  EXPECT_EQ((*sync(7, ids[0]))->error, ErrorCode::kIllegalGeneration);
  auto again = sync(1, ids[0]);
  EXPECT_EQ((*again)->error, ErrorCode::kNone);
  EXPECT_EQ((*again)->assignment, bytes("for " + ids[0]));
}

TEST_F(StableGroupTest, FollowerRejoiningUnchangedGetsTheCurrentGeneration) {
  auto ids = make_stable(2);
  auto again = join(join_call(ids[1]));
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->generation_id, 1);
  EXPECT_EQ(group_.state(), GroupState::kStable);
}

TEST_F(StableGroupTest, LeaveRebalancesTheOthersAndAnEmptyGroupStaysEmpty) {
  auto ids = make_stable(2);
  EXPECT_EQ(group_.leave(ids[0], now_), ErrorCode::kNone);
  EXPECT_EQ(group_.state(), GroupState::kPreparingRebalance);
  auto j1 = join(join_call(ids[1]));
  ASSERT_TRUE(j1->has_value());
  EXPECT_EQ((*j1)->leader, ids[1]) << "a new leader when the old one left";
  EXPECT_EQ((*j1)->generation_id, 2);
  EXPECT_EQ(group_.leave(ids[1], now_), ErrorCode::kNone);
  EXPECT_EQ(group_.state(), GroupState::kEmpty);
  EXPECT_EQ(group_.generation_id(), 3);
}

TEST_F(StableGroupTest, LeaderLeavingDuringSyncAnswersTheWaitingFollower) {
  auto ids = make_stable(2);
  auto j0 = join(join_call(ids[0], {"range", "roundrobin"}));
  auto j1 = join(join_call(ids[1], {"range", "roundrobin"}));
  ASSERT_TRUE(j1->has_value());
  auto waiting = sync(2, ids[1]);
  EXPECT_FALSE(waiting->has_value());
  EXPECT_EQ(group_.leave(ids[0], now_), ErrorCode::kNone);
  ASSERT_TRUE(waiting->has_value());
  EXPECT_EQ((*waiting)->error, ErrorCode::kRebalanceInProgress);
}

TEST_F(StableGroupTest, CommitChecksGenerationMemberAndState) {
  auto ids = make_stable(2);
  EXPECT_EQ(group_.check_commit(1, ids[0], now_), ErrorCode::kNone);
  EXPECT_EQ(group_.check_commit(2, ids[0], now_), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(group_.check_commit(1, "stranger", now_), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(group_.check_commit(-1, "", now_), ErrorCode::kUnknownMemberId)
      << "a simple consumer may not commit into a group with members";
  join(join_call(ids[0], {"roundrobin", "range"}));
  EXPECT_EQ(group_.check_commit(1, ids[1], now_), ErrorCode::kNone)
      << "members may commit what they consumed before rejoining";
  join(join_call(ids[1]));
  EXPECT_EQ(group_.state(), GroupState::kCompletingRebalance);
  EXPECT_EQ(group_.check_commit(2, ids[1], now_), ErrorCode::kRebalanceInProgress);
}

TEST_F(GroupTest, SimpleConsumersCommitIntoAnEmptyGroup) {
  EXPECT_EQ(group_.check_commit(-1, "", now_), ErrorCode::kNone);
}

TEST_F(StableGroupTest, AbandonAnswersEveryWaitingRequest) {
  auto ids = make_stable(2);
  auto j0 = join(join_call(ids[0], {"roundrobin", "range"}));
  EXPECT_FALSE(j0->has_value());
  group_.abandon(ErrorCode::kCoordinatorNotAvailable);
  ASSERT_TRUE(j0->has_value());
  EXPECT_EQ((*j0)->error, ErrorCode::kCoordinatorNotAvailable);
}

}  // namespace
}  // namespace caudal::kafka
