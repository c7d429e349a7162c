// InitProducerId (22), versions 0-1: gives an idempotent producer its producer id, with epoch 0.
// Every call gets a fresh id (ProducerIdAllocator: unique across restarts), as Kafka does for a
// null transactional_id; a producer that needs to reset its sequences asks for a new id, and
// the partitions treat it as a new producer (log/producer_state.h).
//
// Transactions are not served: a transactional_id gets COORDINATOR_NOT_AVAILABLE, as does a
// listener started without a producer id allocator or a reservation that could not be written.
#include "kafka/protocol/messages/init_producer_id.h"

#include "kafka/handlers/handler_table.h"

namespace caudal::kafka {

Status handle_init_producer_id(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      InitProducerIdRequest request,
      decode_message<InitProducerIdRequest>(context.request.body, context.version()));
  InitProducerIdResponse response;
  if (request.transactional_id.has_value() || context.config.producer_ids == nullptr) {
    response.error_code = ErrorCode::kCoordinatorNotAvailable;
  } else if (auto id = context.config.producer_ids->allocate(); id.ok()) {
    response.producer_id = *id;
    response.producer_epoch = 0;
  } else {
    response.error_code = ErrorCode::kCoordinatorNotAvailable;
  }
  reply(context, response);
  return Status();
}

}  // namespace caudal::kafka
