// SourceReader: reads the records of a pipeline's source partitions, in-process from the log,
// into the EventBatch the steps run over (docs/pipelines.md §Order of the sources).
//
// Two orders (`order:` of a pipeline):
// - arrival (the default): each read takes up to a batch of records from the partitions in
//   turn, round-robin, so each partition is processed in offset order and the partitions
//   interleave by how they were read. Nothing is buffered between reads.
// - time: the records of all partitions are processed in record-timestamp order, like Kafka
//   Streams' timestamp synchronisation or a Flink job's event-time merge. The reader keeps one
//   buffered head record per partition and emits the smallest by (timestamp, position of its
//   topic in `from`, partition, offset) while every other partition either has a buffered
//   head or is caught up to its high watermark. A caught-up partition counts as "nothing older
//   to come" only under the producers' contract below, so a record stamped in the current
//   millisecond is held until the clock has passed it (at most about a millisecond): a record
//   appended later in the same millisecond to a partition earlier in the tie-break would
//   otherwise overtake it on a replay.
//
// The contract of time order: records are stamped when they are appended (Caudal's HTTP
// ingest stamps them; Kafka producers whose CreateTime is the send time come close), so a
// caught-up partition cannot later deliver a record older than one already processed. Then
// the order is a function of the log's contents alone: a replay after a restart from a
// checkpoint, which reads on from the checkpointed offsets, processes the remaining records in
// the same order as the first run did. A record that breaks the contract (a producer-chosen
// CreateTime in the past, or a partition that fell behind because its reads failed) is
// processed when it arrives, never dropped or held forever, and counted (take_out_of_order()).
//
// Positions: a source's `next` is the next offset to process (every record before it has
// been put in a batch: what checkpoints and commits store); its cursor is where the next read
// from the partition starts, past `next` by the records buffered in time order.
//
// A remote source (`from: {kafka: ...}`, runtime/remote_source.h) is read in arrival order by
// its RemoteSource instead: the same events, with the remote topic, partition and offset as
// their source position.
//
// Threads: the pipeline task's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/clock.h"
#include "log/partition.h"
#include "log/record.h"
#include "log/record_batch_reader.h"
#include "pipeline/batch_output.h"
#include "pipeline/definition.h"
#include "pipeline/event/event_batch.h"

namespace caudal::pipeline {

struct Source {
  log::TopicPartition id;
  std::shared_ptr<log::Partition> partition;  // null for a remote partition (remote_source.h)
  log::Offset next;                      // next offset to process
  std::optional<log::Offset> committed;  // as last written to the checkpoint store (or remote group)
  int64_t last_timestamp_ms = -1;        // of the last record processed
  // Remote partitions: `next` is known (a record was read, or it starts at a checkpoint), and
  // the group assigns the partition to this worker now.
  bool positioned = true;
  bool assigned = true;
};

// Appends one record of `source` to `batch` as an event (to `output` as undecodable when it is
// not a JSON object or has no value) and moves the source's `next` past it. `topic` must
// outlive the batch.
void append_record(Source& source, std::string_view topic, log::Offset offset, int64_t timestamp_ms,
                   std::optional<std::string_view> key, std::optional<std::string_view> value, EventBatch& batch,
                   BatchOutput& output);

class RemoteSource;

class SourceReader {
 public:
  // `pipeline` names the pipeline in log lines; `clock` (wall time) decides when a record of
  // the current millisecond may pass a caught-up partition. Both outlive the reader.
  SourceReader(const std::string& pipeline, SourceOrder order, Clock* clock);
  ~SourceReader();
  SourceReader(const SourceReader&) = delete;
  SourceReader& operator=(const SourceReader&) = delete;

  // Adds a source; the order of calls is the tie-break of time order, so add the partitions
  // of each `from` topic in turn, in partition order.
  void add(Source source);

  // Makes this the reader of a remote source (remote_source.h), whose sources are added to
  // sources() as the group assigns partitions; read() then reads through it.
  void set_remote(std::unique_ptr<RemoteSource> remote);
  RemoteSource* remote() const { return remote_.get(); }

  std::vector<Source>& sources() { return sources_; }
  const std::vector<Source>& sources() const { return sources_; }

  // Appends up to `limit` records to `batch` (records that are not JSON objects to `output`
  // as undecodable) and, for each source whose `next` moved, (source index, new next) to
  // `read_to`. Returns the number of records.
  size_t read(EventBatch& batch, BatchOutput& output, size_t limit,
              std::vector<std::pair<size_t, log::Offset>>& read_to);

  // Where new data of source `s` would be read from (for Partition::watch).
  log::Offset cursor(size_t s) const;
  // Time order: the last read stopped at a buffered record waiting for the clock to pass its
  // millisecond; read again in about a millisecond instead of waiting for new data.
  bool holding() const { return holding_; }
  // Time order: records processed with a timestamp older than one processed before them,
  // since the last call.
  uint64_t take_out_of_order() { return std::exchange(out_of_order_, 0); }

 private:
  struct Buffer;

  size_t read_arrival(EventBatch& batch, BatchOutput& output, size_t limit,
                      std::vector<std::pair<size_t, log::Offset>>& read_to);
  size_t read_time(EventBatch& batch, BatchOutput& output, size_t limit,
                   std::vector<std::pair<size_t, log::Offset>>& read_to);
  // Reads from the partition at `offset`; nullopt (logged) when the read failed. Moves
  // `offset` forward when retention deleted it.
  std::optional<log::BatchRead> read_partition(Source& source, log::Offset& offset);
  // Time order: makes the next record of source `s` its head, reading the partition when its
  // buffer is used up; false when it has none now.
  bool advance(size_t s);
  void append(Source& source, const log::Record& record, EventBatch& batch, BatchOutput& output);

  std::string pipeline_;
  SourceOrder order_;
  Clock* clock_;
  std::vector<Source> sources_;
  std::unique_ptr<RemoteSource> remote_;
  std::vector<std::unique_ptr<Buffer>> buffers_;  // time order: one per source
  log::RecordBatchReader reader_;                 // arrival order
  size_t next_source_ = 0;                        // arrival order: where the next read starts
  bool holding_ = false;
  int64_t last_emitted_ms_ = INT64_MIN;
  uint64_t out_of_order_ = 0;
};

}  // namespace caudal::pipeline
