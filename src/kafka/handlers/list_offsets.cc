// ListOffsets (2): timestamp -2 is the log start offset, -1 the high watermark (which is also the
// last stable offset, so isolation_level does not matter), any other value the first batch whose
// newest record is at or after it (offset and timestamp -1 when there is none).
#include "kafka/handlers/error_mapping.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/list_offsets.h"

namespace caudal::kafka {
namespace {

void look_up(log::Log& log, const std::string& topic, const ListOffsetsRequest::Partition& wanted,
             int16_t version, ListOffsetsResponse::Partition& answer) {
  answer.partition_index = wanted.partition_index;
  auto partition = log.partition(topic, log::PartitionId(wanted.partition_index));
  if (!partition.ok()) {
    answer.error_code = to_error_code(partition.status(), ApiKey::kListOffsets, version);
    return;
  }
  if (wanted.timestamp == ListOffsetsRequest::kEarliestTimestamp) {
    answer.offset = (*partition)->log_start_offset().value();
    return;
  }
  if (wanted.timestamp == ListOffsetsRequest::kLatestTimestamp) {
    answer.offset = (*partition)->high_watermark().value();
    return;
  }
  auto found = (*partition)->find_offset_by_timestamp(wanted.timestamp);
  if (!found.ok()) {
    answer.error_code = to_error_code(found.status(), ApiKey::kListOffsets, version);
    return;
  }
  if (found->has_value()) {
    answer.offset = (*found)->offset.value();
    answer.timestamp = (*found)->max_timestamp;
  }
}

}  // namespace

Status handle_list_offsets(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      ListOffsetsRequest request,
      decode_message<ListOffsetsRequest>(context.request.body, context.version()));
  ListOffsetsResponse response;
  for (const ListOffsetsRequest::Topic& topic : request.topics) {
    auto& answer = response.topics.emplace_back();
    answer.name = topic.name;
    for (const ListOffsetsRequest::Partition& wanted : topic.partitions) {
      look_up(context.log, topic.name, wanted, context.version(), answer.partitions.emplace_back());
    }
  }
  reply(context, response);
  return Status();
}

}  // namespace caudal::kafka
