// Sink: where a pipeline's events end up (a local topic, stdout, a materialized table; remote
// connectors in issue 8). The runtime serializes the events of each batch once per sink into
// a SinkBatch and hands it over with write(); the sink calls back when it has taken them.
//
// Delivery contract: write()'s `done` is called exactly once, on any thread, after every
// record of the batch is taken as far as the sink goes (appended under the topic's flush
// policy, written to the table, written to stdout), or with the error that stopped it. The
// runtime commits a source offset only once every sink has acknowledged the events derived
// from it, and writes a failed batch again after a pause, so a sink never retries by itself
// and never drops: at-least-once, in order per sink.
//
// Threads: write() is called by the owning pipeline task's thread only; `done` must be quick
// (it only records the acknowledgement) and may run inline, inside write().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "log/types.h"
#include "pipeline/event/event.h"

namespace caudal::pipeline {

// The records of one batch for one sink: JSON values with optional keys, in one buffer.
class SinkBatch {
 public:
  struct Record {
    uint32_t value_begin = 0;
    uint32_t value_size = 0;
    uint32_t key_begin = 0;
    uint32_t key_size = 0;
    bool has_key = false;
    int64_t timestamp_ms = 0;  // the source record's time: topic records keep it, tables
                               // use it as the row's version
    // The source record the event came from (source()); partition -1 when not given.
    uint32_t source_topic = 0;  // into topics_
    log::PartitionId source_partition{-1};
    log::Offset source_offset{-1};
    uint32_t source_key_begin = 0;
    uint32_t source_key_size = 0;
    bool has_source_key = false;
  };

  // Starts a record: its value is whatever is appended to buffer() until finish_record().
  std::string& buffer() { return bytes_; }
  void finish_record(size_t value_begin, std::optional<std::string_view> key,
                     int64_t timestamp_ms);
  // The same, remembering the source record (its topic, partition, offset, key and time) so a
  // sink that gives the event up can name it in its dead letter.
  void finish_record(size_t value_begin, std::optional<std::string_view> key,
                     const SourcePosition& source);

  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  size_t bytes() const { return bytes_.size(); }
  std::string_view value(size_t i) const {
    return std::string_view(bytes_).substr(records_[i].value_begin, records_[i].value_size);
  }
  std::optional<std::string_view> key(size_t i) const {
    if (!records_[i].has_key) return std::nullopt;
    return std::string_view(bytes_).substr(records_[i].key_begin, records_[i].key_size);
  }
  const Record& record(size_t i) const { return records_[i]; }
  // Where record `i` came from; views into this batch. Partition -1 and an empty topic when
  // the record was finished without its source.
  SourcePosition source(size_t i) const;

 private:
  std::string bytes_;
  std::vector<std::string> topics_;  // the source topics of the records, each once
  std::vector<Record> records_;
};

using SinkDone = std::function<void(const Status&)>;

class Sink {
 public:
  virtual ~Sink() = default;
  // See the file comment. `batch` is shared so that a sink may keep it past the call (the
  // runtime keeps it too, to write it again after a failure).
  virtual void write(std::shared_ptr<const SinkBatch> batch, SinkDone done) = 0;
  // The owning task stops: make what the sink holds before it is durable (the file sink's
  // open file) durable now, so every `done` of the batches written so far comes without
  // waiting for a size or age limit and the task's last commit covers them. Called by the
  // task's thread after its last write(); the acknowledgements still come through each
  // write's `done`. Sinks that hold nothing keep this default.
  virtual void flush() {}
};

}  // namespace caudal::pipeline
