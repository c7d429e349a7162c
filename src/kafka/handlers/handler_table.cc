#include "kafka/handlers/handler_table.h"

#include <array>

namespace caudal::kafka {
namespace {

constexpr std::array<HandlerEntry, 18> kHandlers = {{
    {ApiKey::kProduce, &handle_produce},
    {ApiKey::kFetch, &handle_fetch},
    {ApiKey::kListOffsets, &handle_list_offsets},
    {ApiKey::kMetadata, &handle_metadata},
    {ApiKey::kApiVersions, &handle_api_versions},
    {ApiKey::kCreateTopics, &handle_create_topics},
    {ApiKey::kDeleteTopics, &handle_delete_topics},
    {ApiKey::kOffsetForLeaderEpoch, &handle_offset_for_leader_epoch},
    {ApiKey::kFindCoordinator, &handle_find_coordinator},
    {ApiKey::kJoinGroup, &handle_join_group},
    {ApiKey::kSyncGroup, &handle_sync_group},
    {ApiKey::kHeartbeat, &handle_heartbeat},
    {ApiKey::kLeaveGroup, &handle_leave_group},
    {ApiKey::kOffsetCommit, &handle_offset_commit},
    {ApiKey::kOffsetFetch, &handle_offset_fetch},
    {ApiKey::kListGroups, &handle_list_groups},
    {ApiKey::kDescribeGroups, &handle_describe_groups},
    {ApiKey::kInitProducerId, &handle_init_producer_id},
}};

}  // namespace

std::span<const HandlerEntry> handler_table() { return kHandlers; }

Handler find_handler(ApiKey api) {
  for (const HandlerEntry& entry : kHandlers) {
    if (entry.api == api) return entry.handler;
  }
  return nullptr;
}

}  // namespace caudal::kafka
