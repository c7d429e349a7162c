// CreateTopics (19): each topic is created in the log with the broker's default settings,
// overridden by the request's partition count and configs (topic_configs.h). One node holds
// every replica, so a replication factor other than -1 or 1 is INVALID_REPLICATION_FACTOR and
// explicit replica assignments are refused (INVALID_REQUEST). validate_only checks everything
// and creates nothing. Creation is durable when the answer is sent.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kafka/handlers/error_mapping.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/handlers/topic_configs.h"
#include "kafka/protocol/messages/create_topics.h"
#include "log/errc.h"

namespace caudal::kafka {
namespace {

CreateTopicsResponse::Topic create(RequestContext& context, const CreateTopicsRequest& request,
                                   const CreateTopicsRequest::Topic& topic) {
  CreateTopicsResponse::Topic answer;
  answer.name = topic.name;
  auto fail = [&](ErrorCode code, std::string message) {
    answer.error_code = code;
    answer.error_message = std::move(message);
    return answer;
  };
  if (topic.replication_factor != -1 && topic.replication_factor != 1) {
    return fail(ErrorCode::kInvalidReplicationFactor,
                fmt::format("replication factor {} is not possible on a single node",
                            topic.replication_factor));
  }
  if (!topic.assignments.empty()) {
    return fail(ErrorCode::kInvalidRequest, "explicit replica assignments are not supported");
  }
  if (topic.num_partitions == 0 || topic.num_partitions < -1) {
    return fail(ErrorCode::kInvalidPartitions,
                fmt::format("{} partitions: a topic needs at least one", topic.num_partitions));
  }
  log::TopicSettings settings = context.config.topic_defaults;
  if (topic.num_partitions != -1) settings.partitions = topic.num_partitions;
  for (const CreateTopicsRequest::Config& config : topic.configs) {
    Status applied = apply_topic_config(config.name, config.value, settings);
    if (!applied.ok()) return fail(ErrorCode::kInvalidConfig, applied.message());
  }
  Status status = log::validate_topic_name(topic.name);
  if (status.ok()) status = settings.validate();
  if (status.ok() && request.validate_only && context.log.describe_topic(topic.name).ok()) {
    status = Status(log::Errc::kTopicExists, fmt::format("topic {} already exists", topic.name));
  }
  if (status.ok() && !request.validate_only) {
    status = context.log.create_topic(topic.name, settings);
    if (status.ok()) {
      spdlog::info("kafka: client {} created topic {} with {} partition(s)",
                   context.connection.client_id.value_or("-"), topic.name, settings.partitions);
    }
  }
  if (!status.ok()) {
    return fail(to_error_code(status, ApiKey::kCreateTopics, context.version()), status.message());
  }
  return answer;
}

}  // namespace

Status handle_create_topics(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(
      CreateTopicsRequest request,
      decode_message<CreateTopicsRequest>(context.request.body, context.version()));
  CreateTopicsResponse response;
  for (const CreateTopicsRequest::Topic& topic : request.topics) {
    response.topics.push_back(create(context, request, topic));
  }
  reply(context, response);
  return Status();
}

}  // namespace caudal::kafka
