// Process-wide metrics in the names Prometheus's client libraries use (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, process_start_time_seconds), read from
// /proc at scrape time.
#pragma once

#include "common/metrics/registry.h"

namespace caudal::server {

// Registers the callbacks; they stay registered for the registry's lifetime.
void register_process_metrics(metrics::Registry& registry);

}  // namespace caudal::server
