// The PostgreSQL connector: events loaded into a table in batches with COPY, idempotent on an
// id column (docs/pipelines.md §Sinks: postgres). Each delivery is one COPY straight into
// the table; when it fails on a unique violation (an id already there: events delivered
// again after a restart), one transaction COPYs the rows into a temporary staging table shaped
// like the target, then `INSERT ... SELECT ... ON CONFLICT (id) DO NOTHING`, so every event
// leaves one row. The id column needs a unique index. The connection and its error handling
// are table/postgres_connection.h, shared with PostgreSQL lookup tables.
//
// Columns are expressions over the event. Connection failures, and errors of SQLSTATE
// classes 08 (connection), 40 (rollback), 53 (resources), 57 (operator intervention) and 58
// (system) are retried; any other error (a value the column does not take, a missing table)
// is retried one row at a time so that only the rows it refuses are dead-lettered, with
// PostgreSQL's message.
#pragma once

#include "pipeline/connectors/connector.h"

namespace caudal::pipeline::connectors {

const ConnectorDescriptor& postgres_connector();

}  // namespace caudal::pipeline::connectors
