#include "table/catalog.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "table/errc.h"

namespace caudal::table {

std::string_view table_kind_name(TableKind kind) {
  return kind == TableKind::kLookup ? "lookup" : "materialized";
}

Result<std::unique_ptr<Catalog>> Catalog::open(CatalogOptions options,
                                               metrics::Registry& registry) {
  std::unique_ptr<Catalog> catalog(new Catalog());
  for (LookupTableOptions& table_options : options.lookup_tables) {
    const std::string name = table_options.name;
    if (catalog->lookups_.contains(name)) {
      return Status(Errc::kInvalidOptions, fmt::format("table '{}' is declared twice", name));
    }
    CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<LookupTable> table,
                            LookupTable::open(std::move(table_options), registry));
    catalog->lookups_.emplace(name, std::move(table));
  }
  if (options.store_path) {
    CAUDAL_ASSIGN_OR_RETURN(catalog->store_,
                            MaterializedStore::open(*options.store_path, registry));
  }
  for (const std::string& name : options.materialized_tables) {
    CAUDAL_RETURN_IF_ERROR(catalog->materialized(name).status());
  }
  if (options.store_path) {
    // A table created by an earlier run under a name now declared as a lookup table would be
    // unreachable: refuse rather than hide it.
    for (const std::string& name : catalog->store_->names()) {
      if (catalog->lookups_.contains(name)) {
        return Status(Errc::kInvalidOptions,
                      fmt::format("table '{}' is a lookup table in the configuration and a "
                                  "materialized table in {}",
                                  name, catalog->store_->path().string()));
      }
    }
  }
  const bool any_reloads =
      std::any_of(catalog->lookups_.begin(), catalog->lookups_.end(),
                  [](const auto& entry) { return entry.second->options().reload_interval; });
  if (any_reloads) catalog->reloader_ = std::thread([c = catalog.get()] { c->reload_loop(); });
  return catalog;
}

Catalog::~Catalog() {
  stop();
}

void Catalog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (reloader_.joinable()) reloader_.join();
}

void Catalog::reload_loop() {
  using Steady = std::chrono::steady_clock;
  std::map<LookupTable*, Steady::time_point> due;
  for (const auto& [name, table] : lookups_) {
    if (auto interval = table->options().reload_interval)
      due[table.get()] = Steady::now() + *interval;
  }
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    Steady::time_point next = Steady::time_point::max();
    for (const auto& [table, when] : due) next = std::min(next, when);
    wake_.wait_until(lock, next, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    for (auto& [table, when] : due) {
      if (Steady::now() < when) continue;
      when = Steady::now() + *table->options().reload_interval;
      Result<bool> reloaded = table->reload_if_changed();
      if (!reloaded.ok()) {
        spdlog::warn("table '{}': reload failed, keeping the previous data: {}", table->name(),
                     reloaded.status().to_string());
      } else if (*reloaded) {
        spdlog::info("table '{}': reloaded {} rows from {}", table->name(),
                     table->snapshot()->size(), describe(table->options().source));
      }
    }
    lock.lock();
  }
}

LookupTable* Catalog::lookup(std::string_view name) const {
  auto it = lookups_.find(name);
  return it == lookups_.end() ? nullptr : it->second.get();
}

Result<MaterializedTable*> Catalog::materialized(std::string_view name) {
  if (lookups_.contains(name)) {
    return Status(Errc::kInvalidOptions,
                  fmt::format("table '{}' is a lookup table; a pipeline cannot write to it", name));
  }
  if (!store_) {
    return Status(Errc::kInvalidOptions,
                  fmt::format("table '{}': materialized tables need a data directory", name));
  }
  return store_->table(name);
}

MaterializedTable* Catalog::find_materialized(std::string_view name) const {
  return store_ ? store_->find(name) : nullptr;
}

std::vector<TableInfo> Catalog::list() const {
  std::vector<TableInfo> out;
  for (const auto& [name, table] : lookups_) {
    out.push_back(TableInfo{name, TableKind::kLookup, table->snapshot()->size(),
                            describe(table->options().source)});
  }
  if (store_) {
    for (const std::string& name : store_->names()) {
      if (MaterializedTable* table = store_->find(name)) {
        out.push_back(TableInfo{name, TableKind::kMaterialized, table->count(), ""});
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const TableInfo& a, const TableInfo& b) { return a.name < b.name; });
  return out;
}

}  // namespace caudal::table
