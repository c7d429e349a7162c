#include "kafka/group/group.h"

#include <algorithm>
#include <utility>

#include "common/check.h"

namespace caudal::kafka {
namespace {

JoinAnswer join_error(ErrorCode error, std::string member_id) {
  JoinAnswer answer;
  answer.error = error;
  answer.member_id = std::move(member_id);
  return answer;
}

}  // namespace

Group::Group(std::string group_id, GroupOptions options,
             std::function<std::string(const std::string&)> make_member_id)
    : group_id_(std::move(group_id)),
      options_(options),
      make_member_id_(std::move(make_member_id)) {}

void Group::join(JoinCall call, int64_t now_ms, JoinCallback done) {
  if (call.session_timeout_ms < options_.min_session_timeout_ms ||
      call.session_timeout_ms > options_.max_session_timeout_ms) {
    done(join_error(ErrorCode::kInvalidSessionTimeout, call.member_id));
    return;
  }
  if (!supports_protocols(call.protocol_type, call.protocols)) {
    done(join_error(ErrorCode::kInconsistentGroupProtocol, call.member_id));
    return;
  }
  if (call.member_id.empty()) {
    call.member_id = make_member_id_(call.client_id);
    if (call.require_known_member_id) {
      // The id is only a promise until its owner rejoins with it; it expires like a session.
      pending_[call.member_id] = now_ms + call.session_timeout_ms;
      done(join_error(ErrorCode::kMemberIdRequired, call.member_id));
      return;
    }
    add_or_update_member(std::move(call), now_ms, std::move(done));
    return;
  }
  if (pending_.erase(call.member_id) > 0) {
    add_or_update_member(std::move(call), now_ms, std::move(done));
    return;
  }
  auto it = members_.find(call.member_id);
  if (it == members_.end()) {
    done(join_error(ErrorCode::kUnknownMemberId, call.member_id));
    return;
  }
  GroupMember& member = it->second;
  // A member that lost its JoinGroup answer asks again: nothing changed, so it gets the
  // current generation rather than a rebalance. The leader rejoining a Stable group does
  // rebalance: that is how a leader asks for one (its subscription may have changed).
  bool unchanged = member.protocols == call.protocols;
  if (unchanged && (state_ == GroupState::kCompletingRebalance ||
                    (state_ == GroupState::kStable && member.member_id != leader_))) {
    member.session_deadline_ms = now_ms + member.session_timeout_ms;
    done(answer_for(member));
    return;
  }
  add_or_update_member(std::move(call), now_ms, std::move(done));
}

void Group::add_or_update_member(JoinCall call, int64_t now_ms, JoinCallback done) {
  auto [it, inserted] = members_.try_emplace(call.member_id);
  GroupMember& member = it->second;
  if (inserted) {
    member.member_id = call.member_id;
    member.join_order = next_join_order_++;
  } else if (member.awaiting_join) {
    // The client gave up on its earlier JoinGroup and sent another; the earlier one still
    // holds an answer slot on its connection, so it gets one.
    std::exchange(member.awaiting_join, nullptr)(
        join_error(ErrorCode::kRebalanceInProgress, member.member_id));
  }
  member.group_instance_id = std::move(call.group_instance_id);
  member.client_id = std::move(call.client_id);
  member.client_host = std::move(call.client_host);
  member.session_timeout_ms = call.session_timeout_ms;
  member.rebalance_timeout_ms = call.rebalance_timeout_ms;
  member.protocols = std::move(call.protocols);
  member.session_deadline_ms = now_ms + member.session_timeout_ms;
  member.awaiting_join = std::move(done);
  if (members_.size() == 1) protocol_type_ = call.protocol_type;

  if (state_ == GroupState::kPreparingRebalance) {
    if (inserted && initial_delay_until_ms_ != 0) {
      // Another consumer of a group starting up: wait a little longer for the rest, but never
      // beyond the rebalance timeout.
      initial_delay_until_ms_ =
          std::min<int64_t>(now_ms + options_.initial_rebalance_delay_ms,
                            rebalance_started_ms_ + member.rebalance_timeout_ms);
      rebalance_deadline_ms_ =
          std::max<int64_t>(rebalance_deadline_ms_, now_ms + member.rebalance_timeout_ms);
    }
  } else {
    prepare_rebalance(now_ms);
  }
  try_complete_join(now_ms);
}

void Group::sync(int32_t generation_id, const std::string& member_id,
                 std::vector<MemberAssignment> assignments, int64_t now_ms, SyncCallback done) {
  auto it = members_.find(member_id);
  if (it == members_.end()) {
    done({ErrorCode::kUnknownMemberId, {}});
    return;
  }
  if (generation_id != generation_id_) {
    done({ErrorCode::kIllegalGeneration, {}});
    return;
  }
  GroupMember& member = it->second;
  member.session_deadline_ms = now_ms + member.session_timeout_ms;
  if (state_ == GroupState::kStable) {
    done({ErrorCode::kNone, member.assignment});
    return;
  }
  if (state_ != GroupState::kCompletingRebalance) {
    done({ErrorCode::kRebalanceInProgress, {}});
    return;
  }
  if (member.awaiting_sync) {
    std::exchange(member.awaiting_sync, nullptr)({ErrorCode::kRebalanceInProgress, {}});
  }
  member.awaiting_sync = std::move(done);
  if (member_id != leader_) return;
  for (MemberAssignment& entry : assignments) {
    auto target = members_.find(entry.member_id);
    if (target != members_.end()) target->second.assignment = std::move(entry.assignment);
  }
  state_ = GroupState::kStable;
  for (auto& [id, each] : members_) {
    if (each.awaiting_sync) {
      std::exchange(each.awaiting_sync, nullptr)({ErrorCode::kNone, each.assignment});
    }
  }
}

ErrorCode Group::heartbeat(int32_t generation_id, const std::string& member_id,
                           int64_t now_ms) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return ErrorCode::kUnknownMemberId;
  if (generation_id != generation_id_) return ErrorCode::kIllegalGeneration;
  it->second.session_deadline_ms = now_ms + it->second.session_timeout_ms;
  if (state_ == GroupState::kPreparingRebalance) return ErrorCode::kRebalanceInProgress;
  return ErrorCode::kNone;
}

ErrorCode Group::leave(const std::string& member_id, int64_t now_ms) {
  if (pending_.erase(member_id) > 0) return ErrorCode::kNone;
  if (!members_.contains(member_id)) return ErrorCode::kUnknownMemberId;
  remove_member(member_id, ErrorCode::kUnknownMemberId, now_ms);
  return ErrorCode::kNone;
}

ErrorCode Group::check_commit(int32_t generation_id, const std::string& member_id,
                              int64_t now_ms) {
  if (generation_id < 0 && state_ == GroupState::kEmpty) return ErrorCode::kNone;
  auto it = members_.find(member_id);
  if (it == members_.end()) return ErrorCode::kUnknownMemberId;
  if (generation_id != generation_id_) return ErrorCode::kIllegalGeneration;
  // The assignment of this generation is not known yet, so neither is who owns a partition.
  if (state_ == GroupState::kCompletingRebalance) return ErrorCode::kRebalanceInProgress;
  it->second.session_deadline_ms = now_ms + it->second.session_timeout_ms;
  return ErrorCode::kNone;
}

void Group::advance(int64_t now_ms) {
  std::erase_if(pending_, [now_ms](const auto& entry) { return entry.second <= now_ms; });
  std::vector<std::string> expired;
  for (const auto& [id, member] : members_) {
    if (!member.awaiting_join && !member.awaiting_sync && member.session_deadline_ms <= now_ms) {
      expired.push_back(id);
    }
  }
  for (const std::string& id : expired) {
    if (members_.contains(id)) remove_member(id, ErrorCode::kUnknownMemberId, now_ms);
  }
  if (state_ != GroupState::kPreparingRebalance) return;
  if (initial_delay_until_ms_ != 0 && now_ms >= initial_delay_until_ms_) {
    initial_delay_until_ms_ = 0;
  }
  if (now_ms >= rebalance_deadline_ms_) {
    complete_join(now_ms);
  } else {
    try_complete_join(now_ms);
  }
}

std::optional<int64_t> Group::next_deadline() const {
  std::optional<int64_t> next;
  auto consider = [&next](int64_t at) { next = next ? std::min(*next, at) : at; };
  for (const auto& [id, expiry] : pending_) consider(expiry);
  for (const auto& [id, member] : members_) {
    if (!member.awaiting_join && !member.awaiting_sync) consider(member.session_deadline_ms);
  }
  if (state_ == GroupState::kPreparingRebalance) {
    consider(rebalance_deadline_ms_);
    if (initial_delay_until_ms_ != 0) consider(initial_delay_until_ms_);
  }
  return next;
}

void Group::abandon(ErrorCode error) {
  for (auto& [id, member] : members_) {
    if (member.awaiting_join) {
      std::exchange(member.awaiting_join, nullptr)(join_error(error, id));
    }
    if (member.awaiting_sync) std::exchange(member.awaiting_sync, nullptr)({error, {}});
  }
}

std::vector<const GroupMember*> Group::members_in_join_order() const {
  std::vector<const GroupMember*> ordered;
  ordered.reserve(members_.size());
  for (const auto& [id, member] : members_) ordered.push_back(&member);
  std::sort(ordered.begin(), ordered.end(),
            [](const GroupMember* a, const GroupMember* b) { return a->join_order < b->join_order; });
  return ordered;
}

std::vector<MemberSummary> Group::describe_members() const {
  std::vector<const GroupMember*> ordered = members_in_join_order();
  std::vector<MemberSummary> summaries;
  summaries.reserve(ordered.size());
  for (const GroupMember* member : ordered) {
    MemberSummary summary{member->member_id, member->group_instance_id, member->client_id,
                          member->client_host, {}, {}};
    // Only a settled generation has one protocol's metadata and an assignment to show.
    if (state_ == GroupState::kStable) {
      if (const Bytes* metadata = member->metadata_for(protocol_name_)) summary.metadata = *metadata;
      summary.assignment = member->assignment;
    }
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

bool Group::supports_protocols(const std::string& protocol_type,
                               const std::vector<ProtocolMetadata>& protocols) const {
  if (protocol_type.empty() || protocols.empty()) return false;
  if (members_.empty()) return true;
  if (protocol_type != protocol_type_) return false;
  return std::any_of(protocols.begin(), protocols.end(), [this](const ProtocolMetadata& p) {
    return std::all_of(members_.begin(), members_.end(), [&p](const auto& entry) {
      return entry.second.metadata_for(p.name) != nullptr;
    });
  });
}

void Group::prepare_rebalance(int64_t now_ms) {
  for (auto& [id, member] : members_) {
    if (member.awaiting_sync) {
      std::exchange(member.awaiting_sync, nullptr)({ErrorCode::kRebalanceInProgress, {}});
    }
    member.assignment.clear();
  }
  bool was_empty = state_ == GroupState::kEmpty;
  int32_t timeout = 0;
  for (const auto& [id, member] : members_) timeout = std::max(timeout, member.rebalance_timeout_ms);
  state_ = GroupState::kPreparingRebalance;
  rebalance_started_ms_ = now_ms;
  rebalance_deadline_ms_ = now_ms + timeout;
  initial_delay_until_ms_ =
      was_empty ? now_ms + std::min(options_.initial_rebalance_delay_ms, timeout) : 0;
  if (initial_delay_until_ms_ == now_ms) initial_delay_until_ms_ = 0;
}

void Group::try_complete_join(int64_t now_ms) {
  if (state_ != GroupState::kPreparingRebalance) return;
  if (initial_delay_until_ms_ != 0 && now_ms < initial_delay_until_ms_) return;
  // Pending member ids are not waited for (the brief's KIP-394 pitfall): their owners join
  // the next generation if they ever come back.
  for (const auto& [id, member] : members_) {
    if (!member.awaiting_join) return;
  }
  complete_join(now_ms);
}

void Group::complete_join(int64_t now_ms) {
  std::erase_if(members_, [](const auto& entry) { return !entry.second.awaiting_join; });
  initial_delay_until_ms_ = 0;
  ++generation_id_;
  if (members_.empty()) {
    state_ = GroupState::kEmpty;
    protocol_name_.clear();
    leader_.clear();
    return;
  }
  protocol_name_ = select_protocol();
  if (!members_.contains(leader_)) {
    auto oldest = std::min_element(members_.begin(), members_.end(), [](const auto& a, const auto& b) {
      return a.second.join_order < b.second.join_order;
    });
    leader_ = oldest->first;
  }
  state_ = GroupState::kCompletingRebalance;
  for (auto& [id, member] : members_) {
    member.session_deadline_ms = now_ms + member.session_timeout_ms;
    std::exchange(member.awaiting_join, nullptr)(answer_for(member));
  }
}

void Group::remove_member(const std::string& member_id, ErrorCode answer_waiting,
                          int64_t now_ms) {
  auto node = members_.extract(member_id);
  GroupMember& member = node.mapped();
  if (member.awaiting_join) member.awaiting_join(join_error(answer_waiting, member_id));
  if (member.awaiting_sync) member.awaiting_sync({answer_waiting, {}});
  if (members_.empty()) protocol_type_.clear();
  switch (state_) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      prepare_rebalance(now_ms);
      try_complete_join(now_ms);
      break;
    case GroupState::kPreparingRebalance:
      try_complete_join(now_ms);
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
}

std::string Group::select_protocol() const {
  // Candidates: the protocols every member supports, in the first member's order of
  // preference. Each member votes for its most preferred candidate; the most votes win, ties
  // going to the earlier candidate.
  const GroupMember& first = members_.begin()->second;
  std::vector<std::string> candidates;
  for (const ProtocolMetadata& p : first.protocols) {
    bool everyone = std::all_of(members_.begin(), members_.end(), [&p](const auto& entry) {
      return entry.second.metadata_for(p.name) != nullptr;
    });
    if (everyone) candidates.push_back(p.name);
  }
  std::vector<size_t> votes(candidates.size(), 0);
  for (const auto& [id, member] : members_) {
    for (const ProtocolMetadata& p : member.protocols) {
      auto found = std::find(candidates.begin(), candidates.end(), p.name);
      if (found != candidates.end()) {
        ++votes[static_cast<size_t>(found - candidates.begin())];
        break;
      }
    }
  }
  // Joins are refused unless they share a protocol with every member, so there is one.
  CAUDAL_CHECK(!candidates.empty(), "a group's members share no assignment protocol");
  auto best = std::max_element(votes.begin(), votes.end());
  return candidates[static_cast<size_t>(best - votes.begin())];
}

JoinAnswer Group::answer_for(const GroupMember& member) const {
  JoinAnswer answer;
  answer.generation_id = generation_id_;
  answer.protocol_name = protocol_name_;
  answer.leader = leader_;
  answer.member_id = member.member_id;
  if (member.member_id != leader_) return answer;
  std::vector<const GroupMember*> ordered = members_in_join_order();
  for (const GroupMember* each : ordered) {
    const Bytes* metadata = each->metadata_for(protocol_name_);
    answer.members.push_back(
        {each->member_id, each->group_instance_id, metadata ? *metadata : Bytes{}});
  }
  return answer;
}

}  // namespace caudal::kafka
