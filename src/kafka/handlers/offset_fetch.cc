// OffsetFetch (9): a group's committed offsets, from the offset store. A partition with none
// gets offset -1 and no error; v2+ with a null topic list gets every partition the group has
// committed. A store failure is the top-level error (v2+) or every partition's (v1).
#include <map>

#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/deferred_reply.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/offset_fetch.h"

namespace caudal::kafka {
namespace {

OffsetFetchResponse::Partition partition_of(const OffsetLookup& lookup) {
  OffsetFetchResponse::Partition partition;
  partition.partition_index = lookup.topic_partition.partition.value();
  partition.metadata = "";
  if (lookup.committed) {
    partition.committed_offset = lookup.committed->offset.value();
    partition.committed_leader_epoch = lookup.committed->leader_epoch;
    partition.metadata = lookup.committed->metadata;
  }
  return partition;
}

OffsetFetchResponse answer(int16_t version, const std::optional<std::vector<OffsetFetchRequest::Topic>>& asked,
                           const Result<std::vector<OffsetLookup>>& found) {
  OffsetFetchResponse response;
  if (!found.ok()) {
    if (version >= 2) {
      response.error_code = ErrorCode::kUnknownServerError;
      return response;
    }
    for (const auto& topic : *asked) {
      OffsetFetchResponse::Topic out{topic.name, {}};
      for (int32_t index : topic.partition_indexes) {
        OffsetFetchResponse::Partition partition;
        partition.partition_index = index;
        partition.error_code = ErrorCode::kUnknownServerError;
        out.partitions.push_back(partition);
      }
      response.topics.push_back(std::move(out));
    }
    return response;
  }
  // Lookups come in request order (or topic order for "all"), so a topic's partitions are
  // adjacent.
  for (const OffsetLookup& lookup : *found) {
    if (response.topics.empty() || response.topics.back().name != lookup.topic_partition.topic) {
      response.topics.push_back({lookup.topic_partition.topic, {}});
    }
    response.topics.back().partitions.push_back(partition_of(lookup));
  }
  return response;
}

}  // namespace

Status handle_offset_fetch(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      OffsetFetchRequest request,
      decode_message<OffsetFetchRequest>(context.request.body, context.version()));
  if (context.config.groups == nullptr) {
    OffsetFetchResponse response;
    response.error_code = ErrorCode::kCoordinatorNotAvailable;
    reply(context, response);
    return Status();
  }
  std::optional<std::vector<log::TopicPartition>> partitions;
  if (request.topics) {
    partitions.emplace();
    for (const OffsetFetchRequest::Topic& topic : *request.topics) {
      for (int32_t index : topic.partition_indexes) {
        partitions->push_back({topic.name, log::PartitionId(index)});
      }
    }
  }
  context.config.groups->fetch_offsets(
      request.group_id, std::move(partitions),
      [answer_to = DeferredReply(context),
       asked = std::move(request.topics)](Result<std::vector<OffsetLookup>> found) mutable {
        answer_to.send(answer(answer_to.version(), asked, found));
      });
  return Status();
}

}  // namespace caudal::kafka
