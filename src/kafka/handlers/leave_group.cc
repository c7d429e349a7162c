// LeaveGroup (13): the member leaves at once and the others rebalance, instead of waiting for
// its session to expire.
#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/deferred_reply.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/leave_group.h"

namespace caudal::kafka {

Status handle_leave_group(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      LeaveGroupRequest request,
      decode_message<LeaveGroupRequest>(context.request.body, context.version()));
  if (context.config.groups == nullptr) {
    reply(context, LeaveGroupResponse{0, ErrorCode::kCoordinatorNotAvailable});
    return Status();
  }
  context.config.groups->leave(request.group_id, {request.member_id},
                        [answer_to = DeferredReply(context)](std::vector<ErrorCode> errors) mutable {
                          answer_to.send(LeaveGroupResponse{0, errors.front()});
                        });
  return Status();
}

}  // namespace caudal::kafka
