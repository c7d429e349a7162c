// The file connector: events as NDJSON in zstd-compressed files laid out by the UTC date and
// hour they were written, `dir/2026/11/21/18/<prefix>-20261121T180503Z-0001.ndjson.zst`,
// rotated by size (uncompressed bytes), by age, and when the hour changes.
//
// A file is complete or absent: it is written under a hidden temp name (`.<name>.tmp`),
// finished (zstd frame end), fsynced, renamed and its directory fsynced. Its events are
// acknowledged to the pipeline only then (DeliveryReport::held), so a crash loses only the
// temp file, whose events are read again from the source. Temp files left by a crash are
// removed when the sink opens.
#pragma once

#include "pipeline/connectors/connector.h"

namespace caudal::pipeline::connectors {

const ConnectorDescriptor& file_connector();

}  // namespace caudal::pipeline::connectors
