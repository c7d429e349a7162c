// KafkaSource: a pipeline source on a remote Kafka cluster (or another Caudal), with
// librdkafka's consumer in a consumer group. Self-contained: the runtime's source reader
// polls it where it reads a local partition, and commits the offsets the pipeline says are
// done (every sink acknowledged the events before them), so a restart, or another worker of
// the group taking the partition over, resumes exactly there: at least once, as for local
// topics.
//
// - Group and assignment: `group` is the Kafka consumer group; librdkafka joins it and the
//   cluster assigns partitions of `topics` (a rebalance moves partitions between workers).
// - Start: a partition without a committed offset in the group starts at its earliest or its
//   latest record (`start`).
// - Offsets are never committed by librdkafka on its own (enable.auto.commit=false): only
//   commit() commits, synchronously.
// - The cluster down (at start or later) is not an error of poll(): librdkafka reconnects by
//   itself; poll() returns no records meanwhile and last_problem() says why.
// - TLS and SASL: librdkafka properties in `properties`, passed through.
//
// Threads: one thread at a time (the owning pipeline task's). The destructor leaves the group
// (its partitions go to the other members at once) without committing anything.
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

struct KafkaSourceOptions {
  std::string brokers;              // bootstrap servers: "kafka1:9092,kafka2:9092"
  std::string group;                // consumer group id
  std::vector<std::string> topics;  // subscribed topics
  enum class Start { kEarliest, kLatest } start = Start::kEarliest;
  std::map<std::string, std::string> properties = {};  // librdkafka properties, passed through
};

// One polled record. Its views stay valid until the next poll() or the source's destruction.
struct KafkaSourceRecord {
  std::string_view topic;
  log::PartitionId partition{0};
  log::Offset offset{0};
  int64_t timestamp_ms = -1;
  std::optional<std::string_view> key;
  std::string_view value;  // empty for a record without a value
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
  // one. Empty when none came (or the cluster is unreachable: last_problem()). An error only
  // for what no wait cures (librdkafka's fatal errors, a topic the group may not read).
  Result<std::span<const KafkaSourceRecord>> poll(size_t max, Duration wait);

  // Records `positions` as the group's committed offsets, synchronously. kUnavailable when
  // the cluster did not take them (commit again later: committing is idempotent).
  Status commit(std::span<const KafkaPosition> positions);

  // The last transient problem poll() met (brokers down...); empty once records flow again.
  const std::string& last_problem() const { return last_problem_; }

 private:
  KafkaSource(KafkaSourceOptions options, RdKafkaHandle consumer);
  void release_messages();

  KafkaSourceOptions options_;
  RdKafkaHandle consumer_;
  std::vector<rd_kafka_message_t*> messages_;  // of the last poll(), destroyed at the next
  std::vector<KafkaSourceRecord> records_;     // views into messages_
  std::string last_problem_;
};

}  // namespace caudal::pipeline::connectors
