// ListGroups (16): the groups with members and the groups with committed offsets.
#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/deferred_reply.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/list_groups.h"

namespace caudal::kafka {

Status handle_list_groups(RequestContext& context) {
  CAUDAL_RETURN_IF_ERROR(
      decode_message<ListGroupsRequest>(context.request.body, context.version()).status());
  if (context.config.groups == nullptr) {
    ListGroupsResponse response;
    response.error_code = ErrorCode::kCoordinatorNotAvailable;
    reply(context, response);
    return Status();
  }
  context.config.groups->list_groups(
      [answer_to = DeferredReply(context)](Result<std::vector<GroupListing>> listings) mutable {
        ListGroupsResponse response;
        if (!listings.ok()) {
          response.error_code = ErrorCode::kUnknownServerError;
        } else {
          for (GroupListing& listing : *listings) {
            response.groups.push_back({std::move(listing.group_id), std::move(listing.protocol_type)});
          }
        }
        answer_to.send(response);
      });
  return Status();
}

}  // namespace caudal::kafka
