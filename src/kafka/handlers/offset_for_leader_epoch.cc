// OffsetForLeaderEpoch (23): every stored batch carries leader epoch 0 (the log stamps it), so
// there is one epoch, and it ends at the high watermark. A requested epoch of 0 or more is
// answered with epoch 0 and the high watermark (Kafka answers the largest epoch not above the
// requested one); a negative one with epoch -1 and offset -1. From v2 the client's
// current_leader_epoch is checked against 0: above it is UNKNOWN_LEADER_EPOCH, below (other than
// -1, no check) FENCED_LEADER_EPOCH. librdkafka 2.1+ validates its fetch position with this.
#include "kafka/handlers/error_mapping.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/offset_for_leader_epoch.h"

namespace caudal::kafka {
namespace {

constexpr int32_t kLeaderEpoch = 0;

void answer(log::Log& log, const std::string& topic,
            const OffsetForLeaderEpochRequest::Partition& wanted, int16_t version,
            OffsetForLeaderEpochResponse::Partition& out) {
  out.partition = wanted.partition;
  auto partition = log.partition(topic, log::PartitionId(wanted.partition));
  if (!partition.ok()) {
    out.error_code = to_error_code(partition.status(), ApiKey::kOffsetForLeaderEpoch, version);
    return;
  }
  if (wanted.current_leader_epoch > kLeaderEpoch) {
    out.error_code = ErrorCode::kUnknownLeaderEpoch;
    return;
  }
  if (wanted.current_leader_epoch != -1 && wanted.current_leader_epoch < kLeaderEpoch) {
    out.error_code = ErrorCode::kFencedLeaderEpoch;
    return;
  }
  if (wanted.leader_epoch < 0) return;
  out.leader_epoch = kLeaderEpoch;
  out.end_offset = (*partition)->high_watermark().value();
}

}  // namespace

Status handle_offset_for_leader_epoch(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      OffsetForLeaderEpochRequest request,
      decode_message<OffsetForLeaderEpochRequest>(context.request.body, context.version()));
  OffsetForLeaderEpochResponse response;
  for (const OffsetForLeaderEpochRequest::Topic& topic : request.topics) {
    auto& out = response.topics.emplace_back();
    out.topic = topic.topic;
    for (const OffsetForLeaderEpochRequest::Partition& wanted : topic.partitions) {
      answer(context.log, topic.topic, wanted, context.version(), out.partitions.emplace_back());
    }
  }
  reply(context, response);
  return Status();
}

}  // namespace caudal::kafka
