// Catalog: every table of a running Caudal, by name: the lookup tables declared in the
// configuration and the materialized tables of the data directory's store. The composition
// root builds one; pipelines find their `lookup` tables and `table` sinks in it, the HTTP API
// lists and reads through it. Names are unique across both kinds.
//
// Lifecycle: open() loads every lookup table (failing when any cannot load) and opens the
// store, then starts one reloader thread when some table has a reload_interval: it checks each
// such table's files every interval and reloads the ones that changed (a failed reload is
// logged as a warning and counted; the table keeps its data). stop() (or the destructor) joins
// the thread. Tables live as long as the catalog.
//
// A configuration reload adds lookup tables with add_lookups() and, when the new configuration
// is refused after all, takes them back with retire_lookups(): a retired table is no longer
// found or listed but lives on until the catalog goes, so a reader that found it just before
// keeps a valid pointer.
//
// Thread-safety: every method from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "table/lookup_table.h"
#include "table/materialized_store.h"

namespace caudal::table {

enum class TableKind { kLookup, kMaterialized };

// "lookup", "materialized".
std::string_view table_kind_name(TableKind kind);

struct TableInfo {
  std::string name;
  TableKind kind = TableKind::kLookup;
  uint64_t rows = 0;
  std::string source;  // lookup tables: describe(source); materialized: ""
};

struct CatalogOptions {
  std::vector<LookupTableOptions> lookup_tables;
  // Where the materialized tables' store lives (<data_dir>/state/tables); unset: no
  // materialized tables (materialized() fails).
  std::optional<std::filesystem::path> store_path;
  // Materialized tables to create at open, so they are listed (empty) before any write.
  std::vector<std::string> materialized_tables;
};

class Catalog {
 public:
  // Errors name the table that failed (its load error, or a name used twice).
  static Result<std::unique_ptr<Catalog>> open(CatalogOptions options, metrics::Registry& registry);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // The lookup table `name`, or nullptr.
  LookupTable* lookup(std::string_view name) const;
  // The materialized table `name`, created on first use. Errc::kInvalidOptions when `name` is
  // a lookup table's or there is no store.
  Result<MaterializedTable*> materialized(std::string_view name);
  // The materialized table `name` when it exists, else nullptr.
  MaterializedTable* find_materialized(std::string_view name) const;
  // The store, for sync(); null without one.
  MaterializedStore* store() const { return store_.get(); }

  // Every table, sorted by name.
  std::vector<TableInfo> list() const;

  // Loads every table of `tables` and adds them all, or none: the error names the table that
  // failed to load or whose name is taken.
  Status add_lookups(std::vector<LookupTableOptions> tables);
  // Undoes add_lookups() for `names` (see the class comment).
  void retire_lookups(const std::vector<std::string>& names);

  // Stops the reloader thread; idempotent.
  void stop();

 private:
  explicit Catalog(metrics::Registry& registry) : registry_(registry) {}
  void reload_loop();
  void start_reloader_if_needed();  // mutex_ held
  bool name_taken(std::string_view name) const;  // mutex_ held

  metrics::Registry& registry_;
  std::unique_ptr<MaterializedStore> store_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<LookupTable>, std::less<>> lookups_;  // guarded by mutex_
  std::vector<std::unique_ptr<LookupTable>> retired_;                         // guarded by mutex_
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread reloader_;
};

}  // namespace caudal::table
