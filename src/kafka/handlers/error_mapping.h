// How failures of the log module become Kafka error codes: one table, used by every handler,
// so a client sees the same code for the same problem whichever API it called.
#pragma once

#include <cstdint>

#include "common/status.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/error_code.h"

namespace caudal::kafka {

// The Kafka code for `status` in a response to version `version` of `api`. log::Errc values
// map through the table in error_mapping.cc; any other failure is UNKNOWN_SERVER_ERROR. OK maps
// to NONE. KAFKA_STORAGE_ERROR exists only from Produce v4 and Fetch v6 on: older versions get
// NOT_LEADER_OR_FOLLOWER, which clients also retry.
ErrorCode to_error_code(const Status& status, ApiKey api, int16_t version);

}  // namespace caudal::kafka
