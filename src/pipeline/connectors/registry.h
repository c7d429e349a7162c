// The one list of connectors (registry.cc): a new connector is one folder with its descriptor
// and one line there.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "pipeline/connectors/connector.h"
#include "pipeline/sink_spec.h"

namespace caudal::pipeline::connectors {

const std::vector<const ConnectorDescriptor*>& connector_registry();
// Null when no connector has that name.
const ConnectorDescriptor* find_connector(std::string_view name);

// Opens a connector sink (spec.kind == kConnector): its transport from the descriptor, inside
// a DeliverySink. `dead_letters` writes to the pipeline's dead-letter topic; `file_system` is
// where transports that write files write them.
Result<std::unique_ptr<Sink>> open_connector_sink(const SinkSpec& spec, std::string_view pipeline,
                                                  std::unique_ptr<Sink> dead_letters,
                                                  metrics::Registry& registry,
                                                  FileSystem& file_system = PosixFileSystem::instance());

}  // namespace caudal::pipeline::connectors
