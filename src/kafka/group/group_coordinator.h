// GroupCoordinator: Caudal's Kafka group coordinator, the one for every group (FindCoordinator
// always names this node). It keeps each group's membership (group.h) in memory and the groups'
// committed offsets in log::OffsetStore. The protocol rules are in docs/kafka-protocol.md
// §Consumer groups.
//
// Threading: each group belongs to one event loop, chosen by hashing its id, and all its state
// is touched there only: the handlers call these methods from any loop, the work is posted to
// the group's loop, and session and rebalance timers run there too. No call blocks its caller;
// answers arrive through the callbacks, on the group's loop or on the offset store's thread
// (OffsetStore writes are synchronous fsyncs, so they run on a thread of their own, in the order
// they were asked for). Callbacks must not block.
//
// Durability: an OffsetCommit's callback runs after the offsets are durable in the store.
// Membership is not persisted: after a restart every member rejoins, as after a Kafka
// coordinator failover.
//
// Lifetime: the loops, the log, the store and the registry must outlive the coordinator. Call
// stop() (or destroy it) only once the loops have stopped running.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "common/clock.h"
#include "common/metrics/registry.h"
#include "common/result.h"
#include "kafka/group/group.h"
#include "kafka/group/group_calls.h"
#include "log/log.h"
#include "log/offset_store.h"

namespace caudal::kafka {

// Kafka's offset.metadata.max.bytes: a longer metadata string gets OFFSET_METADATA_TOO_LARGE.
inline constexpr size_t kMaxOffsetMetadataBytes = 4096;

struct OffsetCommitEntry {
  log::TopicPartition topic_partition;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
};

struct OffsetCommitCall {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::vector<OffsetCommitEntry> entries;
};

// A committed offset as OffsetFetch reports it; nullopt when none was committed.
struct OffsetLookup {
  log::TopicPartition topic_partition;
  std::optional<log::CommittedOffset> committed;
};

struct GroupListing {
  std::string group_id;
  std::string protocol_type;
};

struct GroupDescription {
  std::string group_id;
  GroupState state = GroupState::kDead;
  std::string protocol_type;
  std::string protocol_name;  // empty unless Stable
  std::vector<MemberSummary> members;
};

class GroupCoordinator {
 public:
  GroupCoordinator(std::vector<boost::asio::io_context*> loops, log::Log& log,
                   log::OffsetStore& store, metrics::Registry& registry,
                   GroupOptions options = {}, Clock& clock = SystemClock::instance());
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // JoinGroup, SyncGroup, Heartbeat, LeaveGroup: see Group. An empty group id gets
  // INVALID_GROUP_ID; a group the coordinator does not hold gets UNKNOWN_MEMBER_ID (except for
  // a join, which creates it).
  void join(std::string group_id, JoinCall call, JoinCallback done);
  void sync(std::string group_id, int32_t generation_id, std::string member_id,
            std::vector<MemberAssignment> assignments, SyncCallback done);
  void heartbeat(std::string group_id, int32_t generation_id, std::string member_id,
                 std::function<void(ErrorCode)> done);
  // One error per member id, in order.
  void leave(std::string group_id, std::vector<std::string> member_ids,
             std::function<void(std::vector<ErrorCode>)> done);

  // OffsetCommit: one error per entry, in order. The group's generation and member are checked
  // first (a simple consumer commits with generation -1 while the group has no members); then
  // each entry (UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE); the rest are stored in
  // one atomic, durable write before `done` runs.
  void commit_offsets(OffsetCommitCall call, std::function<void(std::vector<ErrorCode>)> done);
  // OffsetFetch: the committed offsets of `partitions`, in order, or (nullopt) of every
  // partition the group committed.
  void fetch_offsets(std::string group_id,
                     std::optional<std::vector<log::TopicPartition>> partitions,
                     std::function<void(Result<std::vector<OffsetLookup>>)> done);

  // Groups with members and groups with committed offsets, by id.
  void list_groups(std::function<void(Result<std::vector<GroupListing>>)> done);
  // One description per id, in order: a group with only committed offsets is Empty, an
  // unknown one Dead.
  void describe_groups(std::vector<std::string> group_ids,
                       std::function<void(Result<std::vector<GroupDescription>>)> done);

  // Drops every group's committed offsets of a deleted topic, after the commits already asked
  // for. Failures are logged.
  void forget_topic(std::string topic);

  // Waits for the offset store's queue, then drops every group, cancelling their timers
  // without answering their waiting requests. Only once the loops have stopped. Idempotent.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace caudal::kafka
