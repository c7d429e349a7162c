// DescribeGroups (15): state (Kafka's names), protocol and members of each group. Member
// metadata and assignments are shown for a Stable group only, as Kafka does; a group the
// coordinator does not know is Dead (with only committed offsets, Empty), with no error, as
// Kafka answers these versions.
#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/deferred_reply.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/describe_groups.h"

namespace caudal::kafka {

Status handle_describe_groups(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      DescribeGroupsRequest request,
      decode_message<DescribeGroupsRequest>(context.request.body, context.version()));
  if (context.config.groups == nullptr) {
    DescribeGroupsResponse response;
    for (const std::string& id : request.groups) {
      DescribeGroupsResponse::Group group;
      group.error_code = ErrorCode::kCoordinatorNotAvailable;
      group.group_id = id;
      response.groups.push_back(std::move(group));
    }
    reply(context, response);
    return Status();
  }
  context.config.groups->describe_groups(
      request.groups,
      [answer_to = DeferredReply(context),
       ids = request.groups](Result<std::vector<GroupDescription>> described) mutable {
        DescribeGroupsResponse response;
        if (!described.ok()) {
          for (const std::string& id : ids) {
            DescribeGroupsResponse::Group group;
            group.error_code = ErrorCode::kUnknownServerError;
            group.group_id = id;
            response.groups.push_back(std::move(group));
          }
          answer_to.send(response);
          return;
        }
        // The response's ByteViews point into `described`, which outlives the send.
        for (const GroupDescription& description : *described) {
          DescribeGroupsResponse::Group group;
          group.group_id = description.group_id;
          group.group_state = std::string(group_state_name(description.state));
          group.protocol_type = description.protocol_type;
          group.protocol_data = description.protocol_name;
          for (const MemberSummary& member : description.members) {
            group.members.push_back({member.member_id, member.group_instance_id, member.client_id,
                                     member.client_host, member.metadata, member.assignment});
          }
          response.groups.push_back(std::move(group));
        }
        answer_to.send(response);
      });
  return Status();
}

}  // namespace caudal::kafka
