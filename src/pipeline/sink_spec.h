// What a pipeline writes to: the sinks named in its `to:` list and by its `route` steps,
// compiled from the configuration (definition.h) before any of them is opened. The runtime
// opens each spec as a Sink (sinks/sink.h); `caudal pipeline test` captures what each would
// get instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/strong_type.h"
#include "pipeline/expr/expression.h"

namespace caudal::pipeline {

// A sink's index in its pipeline's sink list.
using SinkId = StrongType<uint32_t, struct SinkIdTag>;

struct SinkSpec {
  enum class Kind { kTopic, kStdout, kTable };
  Kind kind = Kind::kTopic;
  std::string name;  // the topic or table; "stdout" for stdout
  // kTopic: the record key (which also picks the partition); unset: no key, batches spread
  // over partitions in turn. kTable: the row key, always set.
  std::optional<Expression> key;

  // How the sink is named in metrics, logs and `caudal pipeline test` output: the topic name,
  // "stdout", or "table.<name>".
  std::string label() const;
};

}  // namespace caudal::pipeline
