// RemoteSource: the remote variant of the source reader (source_reader.h), for a pipeline whose
// `from` is `{kafka: {...}}` (docs/pipelines.md §Reading a remote Kafka cluster): its records
// come from a KafkaSource (connectors/kafka/kafka_source.h) in the pipeline's consumer group
// instead of the local log, and become events with the remote topic, partition and offset as
// their source position (dead letters show them).
//
// Sources: one per remote partition, added to the reader's sources() the first time the group
// assigns the partition to this worker; a revoked one stays (unassigned), so source indexes
// never change. Where an assigned partition starts: at the offset of the pipeline's last local
// checkpoint when it has one (stateful pipelines: state and offsets restored together), else
// at the group's committed offset, else at the pipeline's `start`.
//
// Commits: commit() sends the offsets the task says are done to the group. Before the group
// takes a partition away, the task's `revoking` hook commits what is done of it (waiting for
// the answer) and forgets the rest: events of it still in flight are read again by the next
// owner (at least once), and records of it buffered here are dropped.
//
// The cluster down, at start or mid-stream, is no error: records wait (the pipeline reads
// nothing), a warning is logged when it becomes unreachable and every 30 s while it stays so,
// an info line when records flow again, and each problem counts in
// caudal_pipeline_source_errors_total.
//
// Threads: the pipeline task's thread only (the hooks run on it, from inside read() or wait()).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "config/config.h"
#include "pipeline/connectors/kafka/kafka_source.h"
#include "pipeline/runtime/source_reader.h"

namespace caudal::pipeline {

class RemoteSource final : public connectors::KafkaRebalanceListener {
 public:
  struct Hooks {
    // A source was added at this index of sources() (the task grows its tracker and metrics).
    std::function<void(size_t source)> added;
    // These sources are about to be revoked: commit what is done of them (commit() with a
    // wait) and forget the events of them in flight.
    std::function<void(const std::vector<size_t>& sources)> revoking;
  };

  // Joins the group and subscribes (the cluster may be down). `topics` (the definition's, which
  // outlive the reader) name the events' source topics; `starts`: the pipeline's checkpointed
  // offsets by remote partition. `sources` is the reader's list, which outlives this.
  // ConnectorErrc::kInvalidOption for options librdkafka refuses.
  static Result<std::unique_ptr<RemoteSource>> open(const std::string& pipeline, const config::KafkaSourceConfig& config,
                                                    bool start_latest, const std::vector<std::string>& topics,
                                                    std::map<log::TopicPartition, log::Offset> starts,
                                                    std::vector<Source>& sources, Hooks hooks);

  // Appends up to `limit` records to `batch` (records already fetched by wait() first), like
  // SourceReader::read in arrival order. Does not wait.
  size_t read(EventBatch& batch, BatchOutput& output, size_t limit,
              std::vector<std::pair<size_t, log::Offset>>& read_to);
  // Waits up to `wait` for records, keeping up to `limit` of them for the next read(); true
  // when some came.
  bool wait(Duration wait, size_t limit);

  // Sends the next offsets of `positions` (source index, next offset) to the group; with a
  // `wait` > 0 waits for the answer (at stop, before a revoke). Marks them committed when sent;
  // a failure is logged and makes every source commit again next time.
  Status commit(const std::vector<std::pair<size_t, log::Offset>>& positions, Duration wait);

  // The remote high watermark of source `s`, as librdkafka last heard it.
  std::optional<log::Offset> high_watermark(size_t s) const;
  // Problems met since the last call (for caudal_pipeline_source_errors_total).
  uint64_t take_errors() { return std::exchange(errors_, 0); }

  void assigned(std::vector<connectors::KafkaAssignment>& partitions) override;
  void revoking(const std::vector<connectors::KafkaAssignment>& partitions) override;

 private:
  RemoteSource(const std::string& pipeline, const std::vector<std::string>& topics,
               std::map<log::TopicPartition, log::Offset> starts, std::vector<Source>& sources, Hooks hooks);
  // The index of the source of (topic, partition), added when new.
  size_t source_of(std::string_view topic, log::PartitionId partition);
  // Logs and counts what the KafkaSource met; notes records flowing again.
  void note_problems(bool records_came);

  std::string pipeline_;
  const std::vector<std::string>& topics_;
  std::map<log::TopicPartition, log::Offset> starts_;
  std::vector<Source>& sources_;
  Hooks hooks_;
  std::unique_ptr<connectors::KafkaSource> kafka_;
  std::span<const connectors::KafkaSourceRecord> fetched_;  // by wait(), not read yet
  size_t fetched_next_ = 0;
  bool unreachable_ = false;
  std::chrono::steady_clock::time_point last_warning_;
  uint64_t errors_ = 0;
};

}  // namespace caudal::pipeline
