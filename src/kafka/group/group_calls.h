// What a consumer group is asked and what it answers: the owned forms of JoinGroup and
// SyncGroup (the decoded requests borrow from their frames; a group keeps these for as long as
// a rebalance lasts) and the answers delivered later through callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "kafka/protocol/error_code.h"

namespace caudal::kafka {

// One assignment protocol a member supports ("range", "roundrobin", ...) with its opaque
// subscription metadata, in the member's order of preference.
struct ProtocolMetadata {
  std::string name;
  Bytes metadata;

  friend bool operator==(const ProtocolMetadata&, const ProtocolMetadata&) = default;
};

struct JoinCall {
  std::string member_id;  // empty for a member that has none yet
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;  // the caller substitutes the session timeout for v0
  std::string protocol_type;
  std::vector<ProtocolMetadata> protocols;
  // JoinGroup v4+: a member without an id gets one with MEMBER_ID_REQUIRED and must rejoin
  // with it (KIP-394), so an id is never handed to a client that cannot receive it.
  bool require_known_member_id = false;
};

struct JoinAnswer {
  struct Member {
    std::string member_id;
    std::optional<std::string> group_instance_id;
    Bytes metadata;
  };

  ErrorCode error = ErrorCode::kNone;
  int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<Member> members;  // the leader's answer only
};

struct MemberAssignment {
  std::string member_id;
  Bytes assignment;
};

struct SyncAnswer {
  ErrorCode error = ErrorCode::kNone;
  Bytes assignment;
};

// Called once, on the group's executor, from inside a Group call: it must not call back into
// the group.
using JoinCallback = std::function<void(JoinAnswer)>;
using SyncCallback = std::function<void(SyncAnswer)>;

}  // namespace caudal::kafka
