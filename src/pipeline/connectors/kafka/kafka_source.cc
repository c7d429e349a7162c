#include "pipeline/connectors/kafka/kafka_source.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pipeline/connectors/errc.h"

namespace caudal::pipeline::connectors {
namespace {

struct DestroyPartitions {
  void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, DestroyPartitions>;

// Errors poll() passes on instead of waiting them out: the group may not read the topic.
bool is_permanent(rd_kafka_resp_err_t error) {
  return error == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || error == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED ||
         error == RD_KAFKA_RESP_ERR__FATAL || error == RD_KAFKA_RESP_ERR_INVALID_GROUP_ID;
}

}  // namespace

Result<std::unique_ptr<KafkaSource>> KafkaSource::open(KafkaSourceOptions options) {
  if (options.group.empty()) return Status(ConnectorErrc::kInvalidOption, "group: a Kafka source needs a consumer group");
  if (options.topics.empty()) return Status(ConnectorErrc::kInvalidOption, "topics: a Kafka source needs a topic");
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"group.id", options.group},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", options.start == KafkaSourceOptions::Start::kEarliest ? "earliest" : "latest"},
  };
  CAUDAL_ASSIGN_OR_RETURN(RdKafkaConf conf, rdkafka_conf(options.brokers, settings, options.properties));
  CAUDAL_ASSIGN_OR_RETURN(RdKafkaHandle consumer, rdkafka_handle(RD_KAFKA_CONSUMER, std::move(conf)));
  // Messages of the subscription and the handle's events all come through consumer_poll.
  rd_kafka_poll_set_consumer(consumer.get());
  PartitionList topics(rd_kafka_topic_partition_list_new(static_cast<int>(options.topics.size())));
  for (const std::string& topic : options.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (rd_kafka_resp_err_t error = rd_kafka_subscribe(consumer.get(), topics.get()); error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(ConnectorErrc::kInvalidOption, fmt::format("subscribing to {}: {}", fmt::join(options.topics, ", "),
                                                             rd_kafka_err2str(error)));
  }
  return std::unique_ptr<KafkaSource>(new KafkaSource(std::move(options), std::move(consumer)));
}

KafkaSource::KafkaSource(KafkaSourceOptions options, RdKafkaHandle consumer)
    : options_(std::move(options)), consumer_(std::move(consumer)) {}

KafkaSource::~KafkaSource() {
  release_messages();
  rd_kafka_consumer_close(consumer_.get());
}

void KafkaSource::release_messages() {
  for (rd_kafka_message_t* message : messages_) rd_kafka_message_destroy(message);
  messages_.clear();
  records_.clear();
}

Result<std::span<const KafkaSourceRecord>> KafkaSource::poll(size_t max, Duration wait) {
  release_messages();
  int timeout_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count());
  while (records_.size() < max) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), timeout_ms);
    if (message == nullptr) break;
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const rd_kafka_resp_err_t error = message->err;
      std::string text = rd_kafka_message_errstr(message);
      rd_kafka_message_destroy(message);
      if (error == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      if (is_permanent(error)) {
        return Status(ConnectorErrc::kRejected, fmt::format("Kafka {}: {}", options_.brokers, text));
      }
      last_problem_ = fmt::format("Kafka {}: {}", options_.brokers, text);
      break;
    }
    messages_.push_back(message);
    KafkaSourceRecord& record = records_.emplace_back();
    record.topic = rd_kafka_topic_name(message->rkt);
    record.partition = log::PartitionId(message->partition);
    record.offset = log::Offset(message->offset);
    record.timestamp_ms = rd_kafka_message_timestamp(message, nullptr);
    if (message->key != nullptr) record.key = std::string_view(static_cast<const char*>(message->key), message->key_len);
    if (message->payload != nullptr) {
      record.value = std::string_view(static_cast<const char*>(message->payload), message->len);
    }
    last_problem_.clear();
    timeout_ms = 0;  // the rest only if already fetched
  }
  return std::span<const KafkaSourceRecord>(records_);
}

Status KafkaSource::commit(std::span<const KafkaPosition> positions) {
  if (positions.empty()) return Status();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  for (const KafkaPosition& position : positions) {
    rd_kafka_topic_partition_list_add(list.get(), position.topic.c_str(), position.partition.value())->offset =
        position.next.value();
  }
  if (rd_kafka_resp_err_t error = rd_kafka_commit(consumer_.get(), list.get(), 0); error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(ConnectorErrc::kUnavailable,
                  fmt::format("committing offsets of group {} to Kafka {}: {}", options_.group, options_.brokers,
                              rd_kafka_err2str(error)));
  }
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status(ConnectorErrc::kUnavailable,
                    fmt::format("committing {}/{} for group {}: {}", list->elems[i].topic, list->elems[i].partition,
                                options_.group, rd_kafka_err2str(list->elems[i].err)));
    }
  }
  return Status();
}

}  // namespace caudal::pipeline::connectors
