#include "table/catalog.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "table/errc.h"

namespace caudal::table {

std::string_view table_kind_name(TableKind kind) {
  return kind == TableKind::kLookup ? "lookup" : "materialized";
}

Result<std::unique_ptr<Catalog>> Catalog::open(CatalogOptions options,
                                               metrics::Registry& registry) {
  std::unique_ptr<Catalog> catalog(new Catalog(registry));
  if (options.store_path) {
    CAUDAL_ASSIGN_OR_RETURN(catalog->store_,
                            MaterializedStore::open(*options.store_path, registry));
  }
  CAUDAL_RETURN_IF_ERROR(catalog->add_lookups(std::move(options.lookup_tables)));
  for (const std::string& name : options.materialized_tables) {
    CAUDAL_RETURN_IF_ERROR(catalog->materialized(name).status());
  }
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

bool Catalog::name_taken(std::string_view name) const {
  return lookups_.contains(name);
}

Status Catalog::add_lookups(std::vector<LookupTableOptions> tables) {
  // Loaded outside the lock: a large file must not hold up readers of the other tables.
  std::vector<std::unique_ptr<LookupTable>> loaded;
  std::set<std::string, std::less<>> names;
  for (LookupTableOptions& table_options : tables) {
    const std::string name = table_options.name;
    if (!names.insert(name).second) {
      return Status(Errc::kInvalidOptions, fmt::format("table '{}' is declared twice", name));
    }
    // A table created by an earlier run under a name now declared as a lookup table would be
    // unreachable: refuse rather than hide it.
    if (store_ && store_->find(name) != nullptr) {
      return Status(Errc::kInvalidOptions,
                    fmt::format("table '{}' is a lookup table in the configuration and a "
                                "materialized table in {}",
                                name, store_->path().string()));
    }
    CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<LookupTable> table,
                            LookupTable::open(std::move(table_options), registry_));
    loaded.push_back(std::move(table));
  }
  std::lock_guard lock(mutex_);
  for (const auto& table : loaded) {
    if (name_taken(table->name())) {
      return Status(Errc::kInvalidOptions, fmt::format("table '{}' exists already", table->name()));
    }
  }
  for (auto& table : loaded) {
    std::string name = table->name();
    lookups_.emplace(std::move(name), std::move(table));
  }
  start_reloader_if_needed();
  wake_.notify_all();  // the reloader schedules the new tables
  return Status();
}

void Catalog::retire_lookups(const std::vector<std::string>& names) {
  std::lock_guard lock(mutex_);
  for (const std::string& name : names) {
    auto it = lookups_.find(name);
    if (it == lookups_.end()) continue;
    retired_.push_back(std::move(it->second));
    lookups_.erase(it);
  }
}

void Catalog::start_reloader_if_needed() {
  if (reloader_.joinable() || stopping_) return;
  const bool any_reloads =
      std::any_of(lookups_.begin(), lookups_.end(),
                  [](const auto& entry) { return entry.second->options().reload_interval; });
  if (any_reloads) reloader_ = std::thread([this] { reload_loop(); });
}

void Catalog::reload_loop() {
  using Steady = std::chrono::steady_clock;
  std::map<LookupTable*, Steady::time_point> due;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Tables added since the last pass join the schedule; retired ones leave it.
    std::map<LookupTable*, Steady::time_point> current;
    for (const auto& [name, table] : lookups_) {
      auto interval = table->options().reload_interval;
      if (!interval) continue;
      auto known = due.find(table.get());
      current[table.get()] = known != due.end() ? known->second : Steady::now() + *interval;
    }
    due.swap(current);
    Steady::time_point next = Steady::time_point::max();
    for (const auto& [table, when] : due) next = std::min(next, when);
    const size_t scheduled = due.size();
    wake_.wait_until(lock, next, [this, scheduled] {
      if (stopping_) return true;
      size_t reloading = 0;
      for (const auto& [name, table] : lookups_) reloading += table->options().reload_interval ? 1 : 0;
      return reloading != scheduled;
    });
    if (stopping_) break;
    lock.unlock();
    // The tables stay alive while unlocked: retired ones are kept until the catalog goes.
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
  std::lock_guard lock(mutex_);
  auto it = lookups_.find(name);
  return it == lookups_.end() ? nullptr : it->second.get();
}

Result<MaterializedTable*> Catalog::materialized(std::string_view name) {
  if (lookup(name) != nullptr) {
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
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, table] : lookups_) {
      out.push_back(TableInfo{name, TableKind::kLookup, table->snapshot()->size(),
                              describe(table->options().source)});
    }
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
