// KafkaSource: a pipeline source on a remote Kafka cluster (or another Caudal), with
// librdkafka's consumer in a consumer group. The runtime's source reader
// (runtime/remote_source.h) polls it where it reads a local partition, and commits the
// offsets the pipeline says are done (every sink acknowledged the events before them), so a
// restart, or another worker of the group taking the partition over, resumes exactly there:
// at least once, as for local topics.
//
// - Group and assignment: `group` is the Kafka consumer group; librdkafka joins it and the
//   cluster assigns partitions of `topics` (a rebalance moves partitions between workers).
//   The listener hears of each change inside poll(): it may choose where an assigned
//   partition starts (a local checkpoint), and commits what is done of a partition before it
//   is revoked. Records of a revoked partition that poll() buffered are dropped.
// - Start: a partition without a committed offset in the group (and no start from the
//   listener) starts at its earliest or its latest record (`start`).
// - Offsets are never committed by librdkafka on its own (enable.auto.commit=false): only
//   commit() commits.
// - The cluster down (at start or later) is not an error of poll(): librdkafka reconnects by
//   itself; poll() returns no records meanwhile and take_problem() says why.
// - TLS and SASL: librdkafka properties in `properties`, passed through.
//
// Threads: one thread at a time (the owning pipeline task's); the listener is called on it,
// from inside poll(). The destructor leaves the group (its partitions go to the other members
// at once) without committing anything and without calling the listener.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "log/types.h"
#include "pipeline/connectors/kafka/rdkafka_config.h"

namespace caudal::pipeline::connectors {

// A partition the group assigns or revokes; `start`: where an assigned one begins (unset: at
// the group's committed offset).
struct KafkaAssignment {
  std::string topic;
  log::PartitionId partition{0};
  std::optional<log::Offset> start;
};

// Hears of the group's assignment changes, on the thread calling KafkaSource::poll(), from
// inside it.
class KafkaRebalanceListener {
 public:
  virtual ~KafkaRebalanceListener() = default;
  // Partitions given to this member; may set `start` of each.
  virtual void assigned(std::vector<KafkaAssignment>& partitions) = 0;
  // Partitions about to be taken away: commit what is done of them now (commit() with a
  // wait); events of them still in flight are read again by the next owner.
  virtual void revoking(const std::vector<KafkaAssignment>& partitions) = 0;
};

struct KafkaSourceOptions {
  std::string brokers;              // bootstrap servers: "kafka1:9092,kafka2:9092"
  std::string group;                // consumer group id
  std::vector<std::string> topics;  // subscribed topics
  enum class Start { kEarliest, kLatest } start = Start::kEarliest;
  std::map<std::string, std::string> properties = {};  // librdkafka properties, passed through
  KafkaRebalanceListener* listener = nullptr;          // may be null; outlives the source
};

// One polled record. Its views stay valid until the next poll() or the source's destruction.
struct KafkaSourceRecord {
  std::string_view topic;
  log::PartitionId partition{0};
  log::Offset offset{0};
  int64_t timestamp_ms = -1;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  // unset for a record without a value
};

// The next offset to read of one partition: what commit() records for the group.
struct KafkaPosition {
  std::string topic;
  log::PartitionId partition{0};
  log::Offset next{0};
};

class KafkaSource {
 public:
  // Checks the options and subscribes; does not wait for the cluster (it may be down).
  // ConnectorErrc::kInvalidOption for options or properties librdkafka refuses.
  static Result<std::unique_ptr<KafkaSource>> open(KafkaSourceOptions options);
  ~KafkaSource();
  KafkaSource(const KafkaSource&) = delete;
  KafkaSource& operator=(const KafkaSource&) = delete;

  // Up to `max` records, in offset order per partition, waiting up to `wait` for the first
  // one. Empty when none came (or the cluster is unreachable: take_problem()). An error only
  // for what no wait cures (librdkafka's fatal errors, a topic the group may not read).
  Result<std::span<const KafkaSourceRecord>> poll(size_t max, Duration wait);

  // Sends `positions` as the group's committed offsets. With a `wait` > 0, waits up to it for
  // the cluster's answer: kUnavailable when it refused them or did not answer in time. With
  // none, returns at once; a failure shows up later in take_problem(). Committing is
  // idempotent: what failed is committed again later.
  Status commit(std::span<const KafkaPosition> positions, Duration wait);

  // The high watermark librdkafka last heard of for a partition (no request is made).
  std::optional<log::Offset> high_watermark(const std::string& topic, log::PartitionId partition) const;

  // The transient problem met since the last call (brokers down, a failed commit...), once;
  // empty when there was none.
  std::string take_problem();

 private:
  explicit KafkaSource(KafkaSourceOptions options);
  static void on_rebalance(rd_kafka_t* handle, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque);
  void rebalance(rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions);
  // Drops the buffered records of `partitions` (revoked).
  void drop_buffered(const std::vector<KafkaAssignment>& partitions);
  // Reads the answers to earlier commits waiting in commits_ (up to `wait` for the first);
  // true when one came.
  bool serve_commits(Duration wait);
  void release_messages();

  KafkaSourceOptions options_;
  RdKafkaHandle consumer_;
  struct DestroyQueue {
    void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
  };
  std::unique_ptr<rd_kafka_queue_t, DestroyQueue> commits_;  // answers to commit()
  std::vector<rd_kafka_message_t*> messages_;  // of the last poll(), destroyed at the next
  std::vector<KafkaSourceRecord> records_;     // views into messages_
  std::string problem_;
  Status last_commit_;  // the answer serve_commits() read last
  bool closing_ = false;
};

}  // namespace caudal::pipeline::connectors
