// FindCoordinator (10): Caudal is one node, so it is the coordinator of every group. It has no
// transaction coordinator: a transactional key gets COORDINATOR_NOT_AVAILABLE.
#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/find_coordinator.h"

namespace caudal::kafka {

Status handle_find_coordinator(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      FindCoordinatorRequest request,
      decode_message<FindCoordinatorRequest>(context.request.body, context.version()));
  FindCoordinatorResponse response;
  if (context.config.groups == nullptr) {
    response.error_code = ErrorCode::kCoordinatorNotAvailable;
    response.error_message = "this listener has no group coordinator";
  } else if (request.key_type != FindCoordinatorRequest::kGroupKey) {
    response.error_code = ErrorCode::kCoordinatorNotAvailable;
    response.error_message = "Caudal has no transaction coordinator";
  }
  if (response.error_code != ErrorCode::kNone) {
    response.node_id = -1;
    response.port = -1;
  } else {
    response.node_id = context.config.node_id;
    response.host = context.connection.local_host;
    response.port = context.connection.port;
  }
  reply(context, response);
  return Status();
}

}  // namespace caudal::kafka
