// DeleteTopics (20): each named topic is deleted from the log (its partitions close, its files
// go); an unknown one gets UNKNOWN_TOPIC_OR_PARTITION.
#include <spdlog/spdlog.h>

#include "kafka/group/group_coordinator.h"
#include "kafka/handlers/error_mapping.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/delete_topics.h"

namespace caudal::kafka {

Status handle_delete_topics(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      DeleteTopicsRequest request,
      decode_message<DeleteTopicsRequest>(context.request.body, context.version()));
  DeleteTopicsResponse response;
  for (const std::string& name : request.topic_names) {
    Status deleted = context.log.delete_topic(name);
    if (deleted.ok()) {
      spdlog::info("kafka: client {} deleted topic {}", context.connection.client_id.value_or("-"),
                   name);
      // A topic created again later under the same name starts with no committed offsets.
      if (context.config.groups) context.config.groups->forget_topic(name);
    }
    response.responses.push_back(
        {name, to_error_code(deleted, ApiKey::kDeleteTopics, context.version())});
  }
  reply(context, response);
  return Status();
}

}  // namespace caudal::kafka
