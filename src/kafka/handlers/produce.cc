// Produce (0): one v2 batch per partition, appended to the log as received (the log assigns
// offsets and checks the batch: validate_batch()). acks=1 and acks=-1 both answer once the
// partition's flush policy acknowledged every batch of the request (one node: all in-sync
// replicas are this one); acks=0 gets no response at all. Any other acks value fails every
// partition with INVALID_REQUIRED_ACKS. zstd needs v7 (UNSUPPORTED_COMPRESSION_TYPE below it).
//
// Idempotent producers' batches are checked by the log in the same step as the append
// (log/producer_state.h): a retried batch is answered with its original base offset and not
// stored again; sequence and epoch errors come back as OUT_OF_ORDER_SEQUENCE_NUMBER and
// INVALID_PRODUCER_EPOCH through error_mapping.h.
//
// Per-partition failures are answered in place (error_mapping.h) and never close the
// connection; timeout_ms is not used, since the log completes or fails every append itself.
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "kafka/handlers/error_mapping.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/produce.h"
#include "log/record_batch_header.h"

namespace caudal::kafka {
namespace {

constexpr int16_t kFirstZstdVersion = 7;

// The request's answer being filled in by append callbacks, which may run on any thread.
// Each callback writes only its own partition entry; the last one to finish sends.
struct PendingProduce {
  ProduceResponse response;
  std::atomic<size_t> remaining{0};
  int16_t version = 0;
  int32_t correlation_id = 0;
  std::optional<Responder> respond;  // empty for acks=0

  void finish_one() {
    if (remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (respond) respond->send(encode_response(response, version, correlation_id));
  }
};

// A check the log cannot make: the codec a request version allows.
ErrorCode check_codec(ByteView batch, int16_t version) {
  auto header = log::RecordBatchHeader::parse(batch);
  if (!header.ok()) return ErrorCode::kNone;  // the log's validation reports it
  if (header->compression() == log::Compression::kZstd && version < kFirstZstdVersion) {
    return ErrorCode::kUnsupportedCompressionType;
  }
  return ErrorCode::kNone;
}

}  // namespace

Status handle_produce(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(ProduceRequest request,
                          decode_message<ProduceRequest>(context.request.body, context.version()));
  auto pending = std::make_shared<PendingProduce>();
  pending->version = context.version();
  pending->correlation_id = context.correlation_id();
  bool acks_valid = request.acks == 0 || request.acks == 1 || request.acks == -1;

  // First build every entry, so the slot pointers stay valid while callbacks fill them.
  struct Append {
    ProduceResponse::Partition* slot;
    std::shared_ptr<log::Partition> partition;
    ByteView batch;
  };
  std::vector<Append> appends;
  pending->response.responses.reserve(request.topics.size());
  for (const ProduceRequest::Topic& topic : request.topics) {
    auto& answer = pending->response.responses.emplace_back();
    answer.name = topic.name;
    answer.partitions.resize(topic.partitions.size());
    for (size_t i = 0; i < topic.partitions.size(); ++i) {
      const ProduceRequest::Partition& wanted = topic.partitions[i];
      ProduceResponse::Partition& slot = answer.partitions[i];
      slot.partition_index = wanted.partition_index;
      if (!acks_valid) {
        slot.error_code = ErrorCode::kInvalidRequiredAcks;
        continue;
      }
      if (!wanted.records.has_value()) {
        slot.error_code = ErrorCode::kInvalidRecord;
        continue;
      }
      slot.error_code = check_codec(*wanted.records, context.version());
      if (slot.error_code != ErrorCode::kNone) continue;
      auto partition = context.log.partition(topic.name, log::PartitionId(wanted.partition_index));
      if (!partition.ok()) {
        slot.error_code = to_error_code(partition.status(), ApiKey::kProduce, context.version());
        continue;
      }
      appends.push_back({&slot, std::move(*partition), *wanted.records});
    }
  }

  if (request.acks == 0) {
    context.respond.send_nothing();
  } else {
    pending->respond.emplace(std::move(context.respond));
  }
  // One extra count held until every append was issued, so a callback that runs inline cannot
  // send before the later partitions were appended.
  pending->remaining.store(appends.size() + 1, std::memory_order_relaxed);
  int16_t version = context.version();
  for (Append& append : appends) {
    ProduceResponse::Partition* slot = append.slot;
    append.partition->append(append.batch, [pending, slot, version](
                                               const Result<log::AppendResult>& result) {
      if (result.ok()) {
        slot->base_offset = result->base_offset.value();
        slot->log_start_offset = result->log_start_offset.value();
      } else {
        slot->error_code = to_error_code(result.status(), ApiKey::kProduce, version);
      }
      pending->finish_one();
    });
  }
  pending->finish_one();
  return Status();
}

}  // namespace caudal::kafka
