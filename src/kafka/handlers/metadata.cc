// Metadata (3): this node as the only broker, controller and leader of every partition. Which
// topics: all of them for a null list (v1+) or an empty one (v0); otherwise the ones named, an
// unknown one being created with the default settings when auto-creation is on in the
// configuration and, from v4, allowed by the request. Creation is synchronous, so the topic is
// answered with its partitions at once rather than LEADER_NOT_AVAILABLE.
#include <spdlog/spdlog.h>

#include "kafka/handlers/error_mapping.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/metadata.h"
#include "log/errc.h"

namespace caudal::kafka {
namespace {

MetadataResponse::Topic describe(log::Log& log, const std::string& name, int32_t node_id,
                                 int16_t version) {
  MetadataResponse::Topic topic;
  topic.name = name;
  if (Status valid = log::validate_topic_name(name); !valid.ok()) {
    topic.error_code = to_error_code(valid, ApiKey::kMetadata, version);
    return topic;
  }
  auto description = log.describe_topic(name);
  if (!description.ok()) {
    topic.error_code = to_error_code(description.status(), ApiKey::kMetadata, version);
    return topic;
  }
  for (size_t i = 0; i < description->partitions.size(); ++i) {
    MetadataResponse::Partition partition;
    partition.partition_index = static_cast<int32_t>(i);
    partition.leader_id = node_id;
    partition.replica_nodes = {node_id};
    partition.isr_nodes = {node_id};
    topic.partitions.push_back(std::move(partition));
  }
  return topic;
}

// Creates `name` if the configuration and the request allow it; errors other than a
// concurrent creation are left for describe() to report.
void maybe_create(RequestContext& context, const MetadataRequest& request,
                  const std::string& name) {
  bool allowed = context.config.auto_create_topics &&
                 (context.version() < 4 || request.allow_auto_topic_creation);
  if (!allowed || !log::validate_topic_name(name).ok()) return;
  if (context.log.describe_topic(name).ok()) return;
  Status created = context.log.create_topic(name, context.config.topic_defaults);
  if (created.ok()) {
    spdlog::info("kafka: created topic {} for client {} ({} partition(s))", name,
                 context.connection.client_id.value_or("-"),
                 context.config.topic_defaults.partitions);
  } else if (created.code() != log::Errc::kTopicExists) {
    spdlog::warn("kafka: auto-creating topic {} failed: {}", name, created.message());
  }
}

}  // namespace

Status handle_metadata(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(MetadataRequest request,
                          decode_message<MetadataRequest>(context.request.body, context.version()));
  int32_t node_id = context.config.node_id;
  MetadataResponse response;
  response.brokers.push_back(
      {node_id, context.connection.local_host, context.connection.port, std::nullopt});
  response.cluster_id = context.config.cluster_id;
  response.controller_id = node_id;

  bool all_topics = !request.topics.has_value() ||
                    (context.version() == 0 && request.topics->empty());
  if (all_topics) {
    for (const std::string& name : context.log.list_topics()) {
      response.topics.push_back(describe(context.log, name, node_id, context.version()));
    }
  } else {
    for (const MetadataRequest::Topic& wanted : *request.topics) {
      maybe_create(context, request, wanted.name);
      MetadataResponse::Topic topic = describe(context.log, wanted.name, node_id, context.version());
      topic.name = wanted.name;
      response.topics.push_back(std::move(topic));
    }
  }
  reply(context, response);
  return Status();
}

}  // namespace caudal::kafka
