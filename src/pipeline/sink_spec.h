// What a pipeline writes to: the sinks named in its `to:` list and by its `route` steps,
// compiled from the configuration (definition.h) before any of them is opened. The runtime
// opens each spec as a Sink (sinks/sink.h); `caudal pipeline test` captures what each would
// get instead.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/strong_type.h"
#include "pipeline/expr/expression.h"

namespace caudal::pipeline {

namespace connectors {
struct ConnectorDescriptor;
class ConnectorOptions;
}  // namespace connectors

// A sink's index in its pipeline's sink list.
using SinkId = StrongType<uint32_t, struct SinkIdTag>;

struct SinkSpec {
  enum class Kind { kTopic, kStdout, kTable, kConnector };
  Kind kind = Kind::kTopic;
  // The topic or table; "stdout" for stdout; for a connector "<connector>", or
  // "<connector>.<name>" when its `name` option is given.
  std::string name;
  // kTopic: the record key (which also picks the partition); unset: no key, batches spread
  // over partitions in turn. kTable: the row key, always set.
  std::optional<Expression> key;
  // kConnector (connectors/connector.h): which connector, and its options as parsed.
  const connectors::ConnectorDescriptor* connector = nullptr;
  std::shared_ptr<const connectors::ConnectorOptions> options;

  // How the sink is named in metrics, logs and `caudal pipeline test` output: the topic name,
  // "stdout", "table.<name>", or a connector's name.
  std::string label() const;
};

}  // namespace caudal::pipeline
