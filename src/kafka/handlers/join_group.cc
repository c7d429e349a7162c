// JoinGroup (11): handed to the group coordinator, answered when the group's join phase ends
// (group.h). v0 has no rebalance timeout, so the session timeout stands in for it (a -1 there
// made other brokers rebalance forever); v4+ clients without a member id get one with
// MEMBER_ID_REQUIRED.
#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/deferred_reply.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/join_group.h"

namespace caudal::kafka {

Status handle_join_group(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(JoinGroupRequest request,
                          decode_message<JoinGroupRequest>(context.request.body, context.version()));
  if (context.config.groups == nullptr) {
    JoinGroupResponse response;
    response.error_code = ErrorCode::kCoordinatorNotAvailable;
    response.member_id = request.member_id;
    reply(context, response);
    return Status();
  }
  JoinCall call;
  call.member_id = request.member_id;
  call.group_instance_id = request.group_instance_id;
  call.client_id = context.connection.client_id.value_or("");
  call.client_host = client_host(context.connection);
  call.session_timeout_ms = request.session_timeout_ms;
  call.rebalance_timeout_ms = context.version() == 0 || request.rebalance_timeout_ms < 0
                                  ? request.session_timeout_ms
                                  : request.rebalance_timeout_ms;
  call.protocol_type = request.protocol_type;
  for (const JoinGroupRequest::Protocol& protocol : request.protocols) {
    call.protocols.push_back({protocol.name, Bytes(protocol.metadata.begin(), protocol.metadata.end())});
  }
  call.require_known_member_id = context.version() >= 4;
  context.config.groups->join(request.group_id, std::move(call),
                       [answer_to = DeferredReply(context)](JoinAnswer answer) mutable {
                         JoinGroupResponse response;
                         response.error_code = answer.error;
                         response.generation_id = answer.generation_id;
                         response.protocol_name = answer.protocol_name;
                         response.leader = answer.leader;
                         response.member_id = answer.member_id;
                         for (const JoinAnswer::Member& member : answer.members) {
                           response.members.push_back(
                               {member.member_id, member.group_instance_id, member.metadata});
                         }
                         answer_to.send(response);
                       });
  return Status();
}

}  // namespace caudal::kafka
