// StdoutSink: writes each event as one line of JSON (NDJSON) to a stream, stdout in
// `caudal serve`. Lines of different pipelines never interleave (one lock for all of them).
// A write is acknowledged once the lines are flushed to the stream.
#pragma once

#include <cstdio>

#include "pipeline/sinks/sink.h"

namespace caudal::pipeline {

class StdoutSink final : public Sink {
 public:
  // `out` outlives the sink.
  explicit StdoutSink(std::FILE* out) : out_(out) {}

  void write(std::shared_ptr<const SinkBatch> batch, SinkDone done) override;

 private:
  std::FILE* out_;
};

}  // namespace caudal::pipeline
