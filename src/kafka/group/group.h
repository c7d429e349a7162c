// Group: the membership state machine of one consumer group (Kafka's classic group protocol,
// docs/kafka-protocol.md §Consumer groups): who the members are, which generation they are in,
// which assignment protocol was chosen, who leads, and what the leader assigned.
//
// Time is passed in (`now_ms`, a monotonic millisecond clock) rather than read, so tests drive
// every timeout by hand: the owner calls advance(now) once next_deadline() has passed.
//
// Threading: not thread-safe. The owner (GroupCoordinator) calls every method on the one
// executor that owns the group; callbacks run on it, from inside the call that completes them.
// Committed offsets are not kept here: only the checks a commit must pass.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kafka/group/group_calls.h"
#include "kafka/group/group_member.h"
#include "kafka/group/group_state.h"
#include "kafka/protocol/error_code.h"

namespace caudal::kafka {

struct GroupOptions {
  // JoinGroup with a session timeout outside these bounds gets INVALID_SESSION_TIMEOUT (Kafka's
  // group.min/max.session.timeout.ms).
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1800000;
  // The first rebalance of an empty group waits this long for more members to arrive (Kafka's
  // group.initial.rebalance.delay.ms), each new member extending it up to the rebalance
  // timeout, so a group of consumers starting together settles in one generation.
  int32_t initial_rebalance_delay_ms = 3000;
};

// One member as DescribeGroups reports it.
struct MemberSummary {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  Bytes metadata;    // for the chosen protocol; empty unless the group is Stable
  Bytes assignment;  // empty unless the group is Stable
};

class Group {
 public:
  // `make_member_id(client_id)` mints ids for new members; it must not repeat.
  Group(std::string group_id, GroupOptions options,
        std::function<std::string(const std::string&)> make_member_id);

  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  // JoinGroup. Answers at once (errors, MEMBER_ID_REQUIRED, a member rejoining a settled
  // generation with nothing changed) or when the join phase completes: when every member has
  // rejoined, or at the rebalance timeout, when those that did not are removed.
  void join(JoinCall call, int64_t now_ms, JoinCallback done);

  // SyncGroup. In CompletingRebalance a follower waits for the leader; the leader's
  // assignments complete every waiting member and make the group Stable.
  void sync(int32_t generation_id, const std::string& member_id,
            std::vector<MemberAssignment> assignments, int64_t now_ms, SyncCallback done);

  // Heartbeat: keeps the member alive; REBALANCE_IN_PROGRESS tells it to rejoin.
  ErrorCode heartbeat(int32_t generation_id, const std::string& member_id, int64_t now_ms);

  // LeaveGroup of one member (or one pending member id); the others rebalance.
  ErrorCode leave(const std::string& member_id, int64_t now_ms);

  // Whether an OffsetCommit with this generation and member may be stored. A commit by a
  // member counts as a heartbeat. Generation -1 is a simple consumer's commit, accepted while
  // the group has no members.
  ErrorCode check_commit(int32_t generation_id, const std::string& member_id, int64_t now_ms);

  // Expires what is due at `now_ms`: pending member ids that never rejoined, members whose
  // session ended (which starts a rebalance), the join phase at its rebalance timeout.
  void advance(int64_t now_ms);

  // When advance() has something to do next; nullopt when nothing is timed.
  std::optional<int64_t> next_deadline() const;

  // Answers every waiting JoinGroup and SyncGroup with `error` (the coordinator is stopping).
  void abandon(ErrorCode error);

  const std::string& group_id() const { return group_id_; }
  GroupState state() const { return state_; }
  int32_t generation_id() const { return generation_id_; }
  const std::string& protocol_type() const { return protocol_type_; }
  const std::string& protocol_name() const { return protocol_name_; }
  const std::string& leader() const { return leader_; }
  size_t member_count() const { return members_.size(); }
  size_t pending_member_count() const { return pending_.size(); }
  bool has_member(const std::string& member_id) const { return members_.contains(member_id); }
  // Members in join order, as DescribeGroups lists them.
  std::vector<MemberSummary> describe_members() const;
  // True when the group holds nothing worth keeping in memory (Empty, no pending ids).
  bool is_idle() const { return state_ == GroupState::kEmpty && pending_.empty(); }

 private:
  bool supports_protocols(const std::string& protocol_type,
                          const std::vector<ProtocolMetadata>& protocols) const;
  void add_or_update_member(JoinCall call, int64_t now_ms, JoinCallback done);
  void prepare_rebalance(int64_t now_ms);
  void try_complete_join(int64_t now_ms);
  void complete_join(int64_t now_ms);
  void remove_member(const std::string& member_id, ErrorCode answer_waiting, int64_t now_ms);
  std::string select_protocol() const;
  JoinAnswer answer_for(const GroupMember& member) const;
  std::vector<const GroupMember*> members_in_join_order() const;

  std::string group_id_;
  GroupOptions options_;
  std::function<std::string(const std::string&)> make_member_id_;
  GroupState state_ = GroupState::kEmpty;
  int32_t generation_id_ = 0;
  std::string protocol_type_;
  std::string protocol_name_;
  std::string leader_;
  std::map<std::string, GroupMember> members_;
  // Member ids handed out with MEMBER_ID_REQUIRED, until their owner rejoins with them.
  std::map<std::string, int64_t> pending_;  // id -> expiry
  uint64_t next_join_order_ = 0;
  // PreparingRebalance only: when the join phase ends whoever has rejoined, and (for the first
  // rebalance of an empty group) before when it may not end even if everyone has.
  int64_t rebalance_started_ms_ = 0;
  int64_t rebalance_deadline_ms_ = 0;
  int64_t initial_delay_until_ms_ = 0;
};

}  // namespace caudal::kafka
