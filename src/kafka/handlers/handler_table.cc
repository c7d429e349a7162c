#include "kafka/handlers/handler_table.h"

#include <array>

namespace caudal::kafka {
namespace {

constexpr std::array<HandlerEntry, 9> kHandlers = {{
    {ApiKey::kProduce, &handle_produce},
    {ApiKey::kFetch, &handle_fetch},
    {ApiKey::kListOffsets, &handle_list_offsets},
    {ApiKey::kMetadata, &handle_metadata},
    {ApiKey::kApiVersions, &handle_api_versions},
    {ApiKey::kCreateTopics, &handle_create_topics},
    {ApiKey::kDeleteTopics, &handle_delete_topics},
    {ApiKey::kOffsetForLeaderEpoch, &handle_offset_for_leader_epoch},
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
