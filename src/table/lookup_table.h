// LookupTable: a named, reloadable lookup table (a CSV file, an SQLite or PostgreSQL table or
// query), read whole into memory and indexed by its key column. The `lookup` step reads it.
//
// Reading: take snapshot() once per batch of events, then call find() on it for each event:
// a hash probe with no allocation and no lock. The snapshot stays valid (and unchanged) for as
// long as the caller holds it, whatever reloads happen meanwhile.
//
// Reloading: reload() reads the source again and, when that succeeds, publishes the new
// snapshot atomically: later snapshot() calls see only it. When it fails, the table keeps
// serving the data it had, the failure is counted (caudal_table_reload_errors_total) and kept
// for last_reload_error(). reload_if_changed() does the same only when a watched file's
// modification time differs from the last load; Catalog (catalog.h) calls it every
// `reload_interval` for tables that have one.
//
// Thread-safety: snapshot(), record_lookups() and the accessors from any number of threads;
// reload() and reload_if_changed() from one thread at a time (the catalog's reloader, or a
// test), concurrently with readers. Metrics (docs/tables.md §Metrics), labelled table=<name>:
// caudal_table_rows, caudal_table_lookups_total, caudal_table_lookup_misses_total,
// caudal_table_reloads_total, caudal_table_reload_errors_total.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/metrics/registry.h"
#include "common/result.h"
#include "table/lookup_snapshot.h"
#include "table/source.h"

namespace caudal::table {

struct LookupTableOptions {
  std::string name;
  Source source;
  std::string key_column;
  DeclaredTypes column_types = {};               // columns not named are inferred
  std::optional<Duration> reload_interval = {};  // unset: only reload() reloads
};

class LookupTable {
 public:
  // Loads the source. Any load error (source.h, lookup_snapshot.h) fails the open: a table
  // that cannot start with data does not start.
  static Result<std::unique_ptr<LookupTable>> open(LookupTableOptions options,
                                                   metrics::Registry& registry);

  LookupTable(const LookupTable&) = delete;
  LookupTable& operator=(const LookupTable&) = delete;

  // The current data. Never null.
  std::shared_ptr<const LookupSnapshot> snapshot() const;

  // Reads the source again; on success the new data replaces the old for later snapshot()
  // calls. On failure the old data stays and the error is returned (and kept).
  Status reload();
  // reload() when a watched file's modification time changed since the last successful
  // load (or a file appeared or vanished); always for a source without files (PostgreSQL).
  // True when it reloaded; the error of a failed reload. A file source left unchanged after a
  // failed reload is not retried until it changes.
  Result<bool> reload_if_changed();

  // Counts lookups done by a reader, in bulk (once per batch, not per event).
  void record_lookups(uint64_t lookups, uint64_t misses);

  const LookupTableOptions& options() const { return options_; }
  const std::string& name() const { return options_.name; }
  // The error of the last reload when it failed; OK after a successful one.
  Status last_reload_error() const;

 private:
  using FileTimes = std::vector<std::optional<std::filesystem::file_time_type>>;
  LookupTable(LookupTableOptions options, metrics::Registry& registry);
  FileTimes file_times() const;
  Result<std::shared_ptr<const LookupSnapshot>> load() const;

  LookupTableOptions options_;
  std::atomic<std::shared_ptr<const LookupSnapshot>> snapshot_;
  FileTimes loaded_times_;  // reloader thread only
  mutable std::mutex error_mutex_;
  Status last_reload_error_;  // guarded by error_mutex_
  metrics::Gauge& rows_;
  metrics::Counter& lookups_;
  metrics::Counter& misses_;
  metrics::Counter& reloads_;
  metrics::Counter& reload_errors_;
};

}  // namespace caudal::table
