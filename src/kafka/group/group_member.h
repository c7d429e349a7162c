// One member of a consumer group, as its Group keeps it between requests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "kafka/group/group_calls.h"

namespace caudal::kafka {

struct GroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::vector<ProtocolMetadata> protocols;
  Bytes assignment;  // from the leader's SyncGroup of the current generation
  uint64_t join_order = 0;  // the oldest member leads when the leader is gone
  // When the member is expired unless it heartbeats (or joins, syncs, commits) before.
  int64_t session_deadline_ms = 0;
  // Set while the member's JoinGroup or SyncGroup waits for the rebalance to move on; a waiting
  // member does not expire.
  JoinCallback awaiting_join;
  SyncCallback awaiting_sync;

  // The metadata the member sent for `protocol`; empty when it does not support it.
  const Bytes* metadata_for(const std::string& protocol) const {
    for (const ProtocolMetadata& p : protocols) {
      if (p.name == protocol) return &p.metadata;
    }
    return nullptr;
  }
};

}  // namespace caudal::kafka
