// TopicSink: appends a pipeline's events to a local topic, in-process, through the log (no
// network). Keyed records go to the partition Kafka's default partitioner picks for the key
// (the same as a Kafka producer or the HTTP gateway); unkeyed batches go to the partitions in
// turn, one partition per batch. Each partition's share of a batch becomes record batches of at
// most the topic's max_message_bytes, appended asynchronously: done() runs when the last
// append completes, on the log's thread (see partition.h for when that is).
//
// Owned and called by one pipeline task (sink.h); the partitions outlive it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "log/partition.h"
#include "log/record_batch_builder.h"
#include "pipeline/sinks/sink.h"

namespace caudal::pipeline {

class TopicSink final : public Sink {
 public:
  // `partitions`: index = partition id; at least one.
  TopicSink(std::string topic, std::vector<std::shared_ptr<log::Partition>> partitions);

  void write(std::shared_ptr<const SinkBatch> batch, SinkDone done) override;

 private:
  std::string topic_;
  std::vector<std::shared_ptr<log::Partition>> partitions_;
  log::RecordBatchBuilder builder_;
  std::vector<std::vector<uint32_t>> by_partition_;  // scratch: record indexes
  size_t next_partition_ = 0;
};

}  // namespace caudal::pipeline
