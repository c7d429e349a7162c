// OffsetCommit (8): checked against the group (generation and member; a simple consumer's
// generation -1 while the group has no members) and the log (topic and partition exist), then
// stored durably in the offset store before the answer goes out. The per-partition errors
// follow the request's order.
#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/deferred_reply.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/offset_commit.h"

namespace caudal::kafka {
namespace {

// The response's shape (topics and partitions as requested), every error NONE.
OffsetCommitResponse mirror(const OffsetCommitRequest& request) {
  OffsetCommitResponse response;
  for (const OffsetCommitRequest::Topic& topic : request.topics) {
    OffsetCommitResponse::Topic out{topic.name, {}};
    for (const OffsetCommitRequest::Partition& partition : topic.partitions) {
      out.partitions.push_back({partition.partition_index, ErrorCode::kNone});
    }
    response.topics.push_back(std::move(out));
  }
  return response;
}

}  // namespace

Status handle_offset_commit(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      OffsetCommitRequest request,
      decode_message<OffsetCommitRequest>(context.request.body, context.version()));
  OffsetCommitResponse response = mirror(request);
  if (context.config.groups == nullptr) {
    for (auto& topic : response.topics) {
      for (auto& partition : topic.partitions) partition.error_code = ErrorCode::kCoordinatorNotAvailable;
    }
    reply(context, response);
    return Status();
  }
  OffsetCommitCall call;
  call.group_id = request.group_id;
  call.generation_id = request.generation_id;
  call.member_id = request.member_id;
  for (const OffsetCommitRequest::Topic& topic : request.topics) {
    for (const OffsetCommitRequest::Partition& partition : topic.partitions) {
      call.entries.push_back({log::TopicPartition{topic.name, log::PartitionId(partition.partition_index)},
                              partition.committed_offset, partition.committed_leader_epoch,
                              partition.committed_metadata});
    }
  }
  context.config.groups->commit_offsets(
      std::move(call), [answer_to = DeferredReply(context),
                        response = std::move(response)](std::vector<ErrorCode> errors) mutable {
        size_t next = 0;
        for (auto& topic : response.topics) {
          for (auto& partition : topic.partitions) partition.error_code = errors[next++];
        }
        answer_to.send(response);
      });
  return Status();
}

}  // namespace caudal::kafka
