// Reading a connector entry of `to:` into ConnectorOptions, with the config loader's positioned
// messages (unknown option with "did you mean", missing option, wrong value).
#pragma once

#include <memory>
#include <string>

#include "config/diagnostics.h"
#include "config/node.h"
#include "pipeline/connectors/connector.h"

namespace caudal::pipeline::connectors {

// Parses `node` (the value under the connector's name) against `descriptor`'s options and
// delivery_options(), defaults filled in. Reports every problem to `diags` and returns null
// when there was any.
std::shared_ptr<const ConnectorOptions> parse_connector_options(const ConnectorDescriptor& descriptor,
                                                                const config::Node& node,
                                                                const std::string& path,
                                                                config::Diagnostics& diags);

}  // namespace caudal::pipeline::connectors
