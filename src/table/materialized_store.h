// MaterializedStore: the one RocksDB database holding every materialized table of a data
// directory (<data_dir>/state/tables), and the tables themselves. Layout: docs/tables.md
// §On disk.
//
// Lifecycle: open() takes RocksDB's lock on the directory (a second store on the same path
// fails until the first is destroyed) and finds the tables created before. Tables live as long
// as the store; pointers to them stay valid until it is destroyed.
//
// Thread-safety: every method from any thread.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics/registry.h"
#include "common/result.h"
#include "table/materialized_table.h"

namespace caudal::table {

class MaterializedStore {
 public:
  // Opens (or creates) the store at `path`. Errc::kStorage when RocksDB cannot open it,
  // Errc::kCorruptData when a stored table entry does not decode.
  static Result<std::unique_ptr<MaterializedStore>> open(const std::filesystem::path& path,
                                                         metrics::Registry& registry);
  ~MaterializedStore();
  MaterializedStore(const MaterializedStore&) = delete;
  MaterializedStore& operator=(const MaterializedStore&) = delete;

  // The table `name`, created (durably) when it does not exist yet. Names are 1 to 255 bytes.
  Result<MaterializedTable*> table(std::string_view name);
  // The table `name` when it exists, else nullptr.
  MaterializedTable* find(std::string_view name) const;
  // The names of every table, sorted.
  std::vector<std::string> names() const;

  // Makes every earlier kNoSync write durable (syncs the write-ahead log).
  Status sync();

  const std::filesystem::path& path() const { return path_; }

 private:
  MaterializedStore(std::filesystem::path path, std::unique_ptr<rocksdb::DB> db,
                    metrics::Registry& registry);

  std::filesystem::path path_;
  std::unique_ptr<rocksdb::DB> db_;
  metrics::Registry& registry_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<MaterializedTable>, std::less<>> tables_;  // by mutex_
};

}  // namespace caudal::table
