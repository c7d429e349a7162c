#include "table/lookup_table.h"

#include <system_error>

namespace caudal::table {

LookupTable::LookupTable(LookupTableOptions options, metrics::Registry& registry)
    : options_(std::move(options)),
      rows_(registry.gauge("caudal_table_rows", "rows in the table", {"table"})
                .with({options_.name})),
      lookups_(
          registry.counter("caudal_table_lookups_total", "lookups in a lookup table", {"table"})
              .with({options_.name})),
      misses_(registry
                  .counter("caudal_table_lookup_misses_total",
                           "lookups that found no row with the key", {"table"})
                  .with({options_.name})),
      reloads_(registry
                   .counter("caudal_table_reloads_total",
                            "successful reloads of a lookup table from its source", {"table"})
                   .with({options_.name})),
      reload_errors_(registry
                         .counter("caudal_table_reload_errors_total",
                                  "reloads that failed, leaving the previous data in place",
                                  {"table"})
                         .with({options_.name})) {}

Result<std::unique_ptr<LookupTable>> LookupTable::open(LookupTableOptions options,
                                                       metrics::Registry& registry) {
  std::unique_ptr<LookupTable> table(new LookupTable(std::move(options), registry));
  FileTimes times = table->file_times();
  CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<const LookupSnapshot> snapshot, table->load());
  table->loaded_times_ = std::move(times);
  table->rows_.set(static_cast<double>(snapshot->size()));
  table->snapshot_.store(std::move(snapshot));
  return table;
}

std::shared_ptr<const LookupSnapshot> LookupTable::snapshot() const {
  return snapshot_.load();
}

Result<std::shared_ptr<const LookupSnapshot>> LookupTable::load() const {
  CAUDAL_ASSIGN_OR_RETURN(SourceRows rows, load_source(options_.source, options_.column_types));
  Result<std::shared_ptr<const LookupSnapshot>> snapshot =
      LookupSnapshot::build(std::move(rows), options_.key_column, describe(options_.source));
  if (!snapshot.ok()) return snapshot.status().with_context("table '" + options_.name + "'");
  return snapshot;
}

LookupTable::FileTimes LookupTable::file_times() const {
  FileTimes times;
  for (const std::filesystem::path& file : watched_files(options_.source)) {
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(file, ec);
    times.push_back(ec ? std::nullopt : std::optional(time));
  }
  return times;
}

Status LookupTable::reload() {
  // Times taken before reading: a change made while reading shows up at the next check.
  FileTimes times = file_times();
  Result<std::shared_ptr<const LookupSnapshot>> snapshot = load();
  std::lock_guard lock(error_mutex_);
  if (!snapshot.ok()) {
    reload_errors_.inc();
    last_reload_error_ = snapshot.status();
    return last_reload_error_;
  }
  loaded_times_ = std::move(times);
  rows_.set(static_cast<double>((*snapshot)->size()));
  snapshot_.store(std::move(snapshot).value());
  reloads_.inc();
  last_reload_error_ = Status();
  return Status();
}

Result<bool> LookupTable::reload_if_changed() {
  FileTimes times = file_times();
  // A server (no watched files) cannot tell whether it changed: it is read again each time,
  // also after a failed reload (the server may be back).
  if (watched_files(options_.source).empty()) {
    CAUDAL_RETURN_IF_ERROR(reload());
    return true;
  }
  if (times == loaded_times_) return false;
  Status status = reload();
  // A failed load is not retried until the files change again, so a broken file is reported
  // once, not at every check.
  loaded_times_ = std::move(times);
  if (!status.ok()) return status;
  return true;
}

void LookupTable::record_lookups(uint64_t lookups, uint64_t misses) {
  lookups_.inc(lookups);
  misses_.inc(misses);
}

Status LookupTable::last_reload_error() const {
  std::lock_guard lock(error_mutex_);
  return last_reload_error_;
}

}  // namespace caudal::table
