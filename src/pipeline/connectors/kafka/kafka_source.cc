#include "pipeline/connectors/kafka/kafka_source.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "pipeline/connectors/errc.h"

namespace caudal::pipeline::connectors {
namespace {

struct DestroyPartitions {
  void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, DestroyPartitions>;

struct DestroyEvent {
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};

// Errors poll() passes on instead of waiting them out: the group may not read the topic.
bool is_permanent(rd_kafka_resp_err_t error) {
  return error == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || error == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED ||
         error == RD_KAFKA_RESP_ERR__FATAL || error == RD_KAFKA_RESP_ERR_INVALID_GROUP_ID;
}

int milliseconds(Duration wait) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count());
}

std::vector<KafkaAssignment> assignments(const rd_kafka_topic_partition_list_t* list) {
  std::vector<KafkaAssignment> out;
  for (int i = 0; i < list->cnt; ++i) {
    out.push_back(KafkaAssignment{list->elems[i].topic, log::PartitionId(list->elems[i].partition), std::nullopt});
  }
  return out;
}

// The first partition of `list` whose commit failed, as a message; empty when none did.
std::string failed_partition(const rd_kafka_topic_partition_list_t* list, const std::string& group) {
  if (list == nullptr) return {};
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return fmt::format("committing {}/{} for group {}: {}", list->elems[i].topic, list->elems[i].partition, group,
                         rd_kafka_err2str(list->elems[i].err));
    }
  }
  return {};
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
  std::unique_ptr<KafkaSource> source(new KafkaSource(std::move(options)));
  // Rebalances are handled here (the listener, buffered records); the callback runs inside
  // rd_kafka_consumer_poll, on the polling thread.
  rd_kafka_conf_set_opaque(conf.get(), source.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaSource::on_rebalance);
  // Client-level errors (brokers unreachable, all brokers down) come here, also from inside
  // rd_kafka_consumer_poll: librdkafka retries them itself, so they are problems, not failures.
  rd_kafka_conf_set_error_cb(conf.get(), [](rd_kafka_t*, int, const char* reason, void* opaque) {
    auto* self = static_cast<KafkaSource*>(opaque);
    self->problem_ = fmt::format("Kafka {}: {}", self->options_.brokers, reason);
  });
  CAUDAL_ASSIGN_OR_RETURN(source->consumer_, rdkafka_handle(RD_KAFKA_CONSUMER, std::move(conf)));
  rd_kafka_t* consumer = source->consumer_.get();
  // Messages of the subscription and the handle's events all come through consumer_poll.
  rd_kafka_poll_set_consumer(consumer);
  source->commits_.reset(rd_kafka_queue_new(consumer));
  const std::vector<std::string>& topics = source->options_.topics;
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& topic : topics) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (rd_kafka_resp_err_t error = rd_kafka_subscribe(consumer, list.get()); error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(ConnectorErrc::kInvalidOption,
                  fmt::format("subscribing to {}: {}", fmt::join(topics, ", "), rd_kafka_err2str(error)));
  }
  return source;
}

KafkaSource::KafkaSource(KafkaSourceOptions options) : options_(std::move(options)) {}

KafkaSource::~KafkaSource() {
  closing_ = true;
  release_messages();
  commits_.reset();
  if (consumer_ != nullptr) rd_kafka_consumer_close(consumer_.get());
}

void KafkaSource::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions,
                               void* opaque) {
  static_cast<KafkaSource*>(opaque)->rebalance(error, partitions);
}

void KafkaSource::rebalance(rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions) {
  rd_kafka_t* consumer = consumer_.get();
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(consumer), "COOPERATIVE") == 0;
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    std::vector<KafkaAssignment> given = assignments(partitions);
    if (options_.listener != nullptr && !closing_) options_.listener->assigned(given);
    for (size_t i = 0; i < given.size(); ++i) {
      if (given[i].start.has_value()) partitions->elems[i].offset = given[i].start->value();
    }
    if (cooperative) {
      if (rd_kafka_error_t* failed = rd_kafka_incremental_assign(consumer, partitions)) {
        problem_ = fmt::format("Kafka {}: taking the assigned partitions: {}", options_.brokers,
                               rd_kafka_error_string(failed));
        rd_kafka_error_destroy(failed);
      }
    } else {
      rd_kafka_assign(consumer, partitions);
    }
    return;
  }
  // Revoked (or the rebalance failed, which loses the assignment too).
  std::vector<KafkaAssignment> taken = assignments(partitions);
  drop_buffered(taken);
  if (error != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    problem_ = fmt::format("Kafka {}: rebalance of group {}: {}", options_.brokers, options_.group,
                           rd_kafka_err2str(error));
  }
  if (options_.listener != nullptr && !closing_) options_.listener->revoking(taken);
  if (cooperative) {
    if (rd_kafka_error_t* failed = rd_kafka_incremental_unassign(consumer, partitions)) rd_kafka_error_destroy(failed);
  } else {
    rd_kafka_assign(consumer, nullptr);
  }
}

void KafkaSource::drop_buffered(const std::vector<KafkaAssignment>& partitions) {
  size_t kept = 0;
  for (size_t i = 0; i < messages_.size(); ++i) {
    const bool revoked = std::any_of(partitions.begin(), partitions.end(), [&](const KafkaAssignment& p) {
      return p.partition == records_[i].partition && p.topic == records_[i].topic;
    });
    if (revoked) {
      rd_kafka_message_destroy(messages_[i]);
      continue;
    }
    messages_[kept] = messages_[i];
    records_[kept] = records_[i];
    ++kept;
  }
  messages_.resize(kept);
  records_.resize(kept);
}

void KafkaSource::release_messages() {
  for (rd_kafka_message_t* message : messages_) rd_kafka_message_destroy(message);
  messages_.clear();
  records_.clear();
}

Result<std::span<const KafkaSourceRecord>> KafkaSource::poll(size_t max, Duration wait) {
  release_messages();
  serve_commits(Duration(0));
  int timeout_ms = milliseconds(wait);
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
      problem_ = fmt::format("Kafka {}: {}", options_.brokers, text);
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
    timeout_ms = 0;  // the rest only if already fetched
  }
  return std::span<const KafkaSourceRecord>(records_);
}

Status KafkaSource::commit(std::span<const KafkaPosition> positions, Duration wait) {
  if (positions.empty()) return Status();
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  for (const KafkaPosition& position : positions) {
    rd_kafka_topic_partition_list_add(list.get(), position.topic.c_str(), position.partition.value())->offset =
        position.next.value();
  }
  // Answers of earlier commits first, so the one read below is this commit's (they come in order).
  while (serve_commits(Duration(0))) {
  }
  rd_kafka_resp_err_t error = rd_kafka_commit_queue(consumer_.get(), list.get(), commits_.get(), nullptr, nullptr);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(ConnectorErrc::kUnavailable, fmt::format("committing offsets of group {} to Kafka {}: {}",
                                                           options_.group, options_.brokers, rd_kafka_err2str(error)));
  }
  if (wait <= Duration(0)) return Status();
  if (!serve_commits(wait)) {
    return Status(ConnectorErrc::kUnavailable, fmt::format("committing offsets of group {} to Kafka {}: no answer within {} ms",
                                                           options_.group, options_.brokers, milliseconds(wait)));
  }
  return last_commit_;
}

bool KafkaSource::serve_commits(Duration wait) {
  std::unique_ptr<rd_kafka_event_t, DestroyEvent> event(rd_kafka_queue_poll(commits_.get(), milliseconds(wait)));
  if (event == nullptr) return false;
  if (rd_kafka_event_type(event.get()) != RD_KAFKA_EVENT_OFFSET_COMMIT) return true;
  std::string failure;
  if (rd_kafka_resp_err_t error = rd_kafka_event_error(event.get()); error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    failure = fmt::format("committing offsets of group {} to Kafka {}: {}", options_.group, options_.brokers,
                          rd_kafka_event_error_string(event.get()));
  } else {
    failure = failed_partition(rd_kafka_event_topic_partition_list(event.get()), options_.group);
  }
  last_commit_ = failure.empty() ? Status() : Status(ConnectorErrc::kUnavailable, failure);
  if (!failure.empty()) problem_ = std::move(failure);
  return true;
}

std::optional<log::Offset> KafkaSource::high_watermark(const std::string& topic, log::PartitionId partition) const {
  int64_t low = 0;
  int64_t high = 0;
  if (rd_kafka_get_watermark_offsets(consumer_.get(), topic.c_str(), partition.value(), &low, &high) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    return std::nullopt;
  }
  return log::Offset(high);
}

std::string KafkaSource::take_problem() { return std::exchange(problem_, std::string()); }

}  // namespace caudal::pipeline::connectors
