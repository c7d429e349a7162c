// SyncGroup (14): the leader hands in every member's assignment; each member, the leader
// included, gets its own once the leader's has arrived (group.h).
#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/deferred_reply.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/sync_group.h"

namespace caudal::kafka {

Status handle_sync_group(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(SyncGroupRequest request,
                          decode_message<SyncGroupRequest>(context.request.body, context.version()));
  if (context.config.groups == nullptr) {
    SyncGroupResponse response;
    response.error_code = ErrorCode::kCoordinatorNotAvailable;
    reply(context, response);
    return Status();
  }
  std::vector<MemberAssignment> assignments;
  for (const SyncGroupRequest::Assignment& entry : request.assignments) {
    assignments.push_back(
        {entry.member_id, Bytes(entry.assignment.begin(), entry.assignment.end())});
  }
  context.config.groups->sync(request.group_id, request.generation_id, request.member_id,
                       std::move(assignments),
                       [answer_to = DeferredReply(context)](SyncAnswer answer) mutable {
                         SyncGroupResponse response;
                         response.error_code = answer.error;
                         response.assignment = answer.assignment;
                         answer_to.send(response);
                       });
  return Status();
}

}  // namespace caudal::kafka
