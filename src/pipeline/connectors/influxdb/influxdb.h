// The InfluxDB connector: events as line protocol points, POSTed in batches (`batch_records`,
// `linger`) to InfluxDB 1.x's `/write?db=...` (docs/pipelines.md §Sinks: influxdb). The
// measurement, tags, fields and time are expressions over the event; line protocol escaping
// is done here (line_protocol.h). 2xx is delivered; 5xx, transport failures and 404 (no such
// database yet) are retried; another 4xx (bad points) dead-letters the request's events with
// InfluxDB's message; an event whose expressions fail or that has no field is dead-lettered alone.
// Writes are pipelined (influx_writer.h): a delivery renders its points while the previous
// write is still being answered.
#pragma once

#include "pipeline/connectors/connector.h"

namespace caudal::pipeline::connectors {

const ConnectorDescriptor& influxdb_connector();

}  // namespace caudal::pipeline::connectors
