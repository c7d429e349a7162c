#include "cli/kafka_admin.h"

#include <algorithm>

#include <fmt/format.h>

#include "cli/kafka_client.h"
#include "common/errc.h"

namespace caudal::cli {
namespace {

struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};

Status kafka_error(rd_kafka_resp_err_t err, std::string_view what, std::string_view detail = "") {
  Errc code = err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__TIMED_OUT ||
                      err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN
                  ? Errc::kUnavailable
                  : Errc::kInvalidArgument;
  return Status(code, fmt::format("{}: {}", what, detail.empty() ? rd_kafka_err2str(err) : detail));
}

// Waits for an admin operation's result on `queue`; the error of its one topic, if any.
// `topics_of` gets the operation's per-topic results from the event.
template <typename TopicsOf>
Status await_result(rd_kafka_queue_t* queue, std::chrono::milliseconds timeout,
                    const std::string& what, TopicsOf topics_of) {
  std::unique_ptr<rd_kafka_event_t, EventDeleter> event(
      rd_kafka_queue_poll(queue, static_cast<int>(timeout.count())));
  if (!event) return kafka_error(RD_KAFKA_RESP_ERR__TIMED_OUT, what);
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return kafka_error(rd_kafka_event_error(event.get()), what,
                       rd_kafka_event_error_string(event.get()));
  }
  size_t count = 0;
  const rd_kafka_topic_result_t** results = topics_of(event.get(), &count);
  if (count == 1 && rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* message = rd_kafka_topic_result_error_string(results[0]);
    return kafka_error(rd_kafka_topic_result_error(results[0]), what,
                       message != nullptr ? message : "");
  }
  return Status();
}

}  // namespace

struct KafkaAdmin::Handle {
  RdKafkaHandle client;
};

Result<std::unique_ptr<KafkaAdmin>> KafkaAdmin::connect(const std::string& bootstrap,
                                                        std::chrono::milliseconds timeout) {
  CAUDAL_ASSIGN_OR_RETURN(RdKafkaHandle client,
                          make_kafka_client(RD_KAFKA_PRODUCER, bootstrap, {}));
  auto handle = std::make_unique<Handle>(Handle{std::move(client)});
  return std::unique_ptr<KafkaAdmin>(new KafkaAdmin(std::move(handle), timeout));
}

KafkaAdmin::KafkaAdmin(std::unique_ptr<Handle> handle, std::chrono::milliseconds timeout)
    : handle_(std::move(handle)), timeout_(timeout) {}

KafkaAdmin::~KafkaAdmin() = default;

Result<std::vector<TopicInfo>> KafkaAdmin::list() {
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(handle_->client.get(), 1, nullptr, &raw, static_cast<int>(timeout_.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error(err, "reading metadata");
  std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(raw);
  std::vector<TopicInfo> topics;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata->topics[i];
    TopicInfo info{t.topic, {}};
    for (int p = 0; p < t.partition_cnt; ++p) {
      info.partitions.push_back({t.partitions[p].id, t.partitions[p].leader, -1, -1});
    }
    std::sort(info.partitions.begin(), info.partitions.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    topics.push_back(std::move(info));
  }
  std::sort(topics.begin(), topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return topics;
}

Result<TopicInfo> KafkaAdmin::describe(const std::string& topic) {
  CAUDAL_ASSIGN_OR_RETURN(std::vector<TopicInfo> topics, list());
  auto found = std::find_if(topics.begin(), topics.end(),
                            [&](const TopicInfo& t) { return t.name == topic; });
  if (found == topics.end()) {
    return Status(Errc::kNotFound, fmt::format("topic {} does not exist", topic));
  }
  for (TopicInfo::Partition& p : found->partitions) {
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(handle_->client.get(), topic.c_str(), p.id, &p.start_offset,
                                         &p.end_offset, static_cast<int>(timeout_.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return kafka_error(err, fmt::format("offsets of {} partition {}", topic, p.id));
    }
  }
  return std::move(*found);
}

Status KafkaAdmin::create(const std::string& topic, int32_t partitions,
                          const std::map<std::string, std::string>& configs) {
  char errstr[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, -1, errstr, sizeof(errstr));
  if (new_topic == nullptr) {
    return Status(Errc::kInvalidArgument, fmt::format("topic {}: {}", topic, errstr));
  }
  for (const auto& [name, value] : configs) {
    rd_kafka_NewTopic_set_config(new_topic, name.c_str(), value.c_str());
  }
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(handle_->client.get()));
  rd_kafka_CreateTopics(handle_->client.get(), &new_topic, 1, nullptr, queue.get());
  rd_kafka_NewTopic_destroy(new_topic);
  return await_result(queue.get(), timeout_, fmt::format("creating topic {}", topic),
                      [](rd_kafka_event_t* event, size_t* count) {
                        return rd_kafka_CreateTopics_result_topics(
                            rd_kafka_event_CreateTopics_result(event), count);
                      });
}

Status KafkaAdmin::remove(const std::string& topic) {
  rd_kafka_DeleteTopic_t* doomed = rd_kafka_DeleteTopic_new(topic.c_str());
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(handle_->client.get()));
  rd_kafka_DeleteTopics(handle_->client.get(), &doomed, 1, nullptr, queue.get());
  rd_kafka_DeleteTopic_destroy(doomed);
  return await_result(queue.get(), timeout_, fmt::format("deleting topic {}", topic),
                      [](rd_kafka_event_t* event, size_t* count) {
                        return rd_kafka_DeleteTopics_result_topics(
                            rd_kafka_event_DeleteTopics_result(event), count);
                      });
}

}  // namespace caudal::cli
