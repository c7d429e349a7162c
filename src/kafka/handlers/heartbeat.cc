// Heartbeat (12): keeps a member's session alive; REBALANCE_IN_PROGRESS asks it to rejoin.
#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/deferred_reply.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/heartbeat.h"

namespace caudal::kafka {

Status handle_heartbeat(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(HeartbeatRequest request,
                          decode_message<HeartbeatRequest>(context.request.body, context.version()));
  if (context.config.groups == nullptr) {
    reply(context, HeartbeatResponse{0, ErrorCode::kCoordinatorNotAvailable});
    return Status();
  }
  context.config.groups->heartbeat(request.group_id, request.generation_id, request.member_id,
                            [answer_to = DeferredReply(context)](ErrorCode error) mutable {
                              answer_to.send(HeartbeatResponse{0, error});
                            });
  return Status();
}

}  // namespace caudal::kafka
