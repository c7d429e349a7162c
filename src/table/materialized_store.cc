#include "table/materialized_store.h"

#include <system_error>

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>

#include "table/errc.h"
#include "table/store_format.h"

namespace caudal::table {
namespace {

constexpr size_t kMaxNameBytes = 255;

std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

// Rows of table `name` now, counted once at open; writes keep the count from then on.
Result<uint64_t> count_rows(rocksdb::DB& db, std::string_view name) {
  const std::string prefix = store_format::data_prefix(name);
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(rocksdb::ReadOptions()));
  uint64_t rows = 0;
  for (it->Seek(prefix); it->Valid() && view(it->key()).starts_with(prefix); it->Next()) ++rows;
  if (!it->status().ok()) {
    return Status(Errc::kStorage,
                  fmt::format("table '{}': counting rows: {}", name, it->status().ToString()));
  }
  return rows;
}

}  // namespace

MaterializedStore::MaterializedStore(std::filesystem::path path, std::unique_ptr<rocksdb::DB> db,
                                     metrics::Registry& registry)
    : path_(std::move(path)), db_(std::move(db)), registry_(registry) {}

MaterializedStore::~MaterializedStore() {
  // Tables refer to the database: they go first.
  tables_.clear();
}

Result<std::unique_ptr<MaterializedStore>> MaterializedStore::open(
    const std::filesystem::path& path, metrics::Registry& registry) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return Status(Errc::kStorage,
                  fmt::format("table store: cannot create {}: {}", path.string(), ec.message()));
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path.string(), &raw);
  if (!s.ok()) {
    return Status(Errc::kStorage,
                  fmt::format("table store: cannot open {}: {}", path.string(), s.ToString()));
  }
  std::unique_ptr<MaterializedStore> store(
      new MaterializedStore(path, std::unique_ptr<rocksdb::DB>(raw), registry));
  const std::string first = store_format::table_key("");
  std::unique_ptr<rocksdb::Iterator> it(store->db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(first); it->Valid() && view(it->key()).starts_with(first); it->Next()) {
    const std::string name(view(it->key()).substr(1));
    if (it->value().size() != 1 ||
        static_cast<uint8_t>(it->value()[0]) != store_format::kFormatVersion) {
      return Status(
          Errc::kCorruptData,
          fmt::format("table store {}: the entry of table '{}' is malformed", path.string(), name));
    }
    CAUDAL_ASSIGN_OR_RETURN(const uint64_t rows, count_rows(*store->db_, name));
    store->tables_.emplace(name, std::unique_ptr<MaterializedTable>(
                                     new MaterializedTable(name, *store->db_, rows, registry)));
  }
  if (!it->status().ok()) {
    return Status(Errc::kStorage, fmt::format("table store {}: listing tables: {}", path.string(),
                                              it->status().ToString()));
  }
  return store;
}

Result<MaterializedTable*> MaterializedStore::table(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status(Errc::kInvalidOptions, fmt::format("a table name has 1 to {} bytes, found {}",
                                                     kMaxNameBytes, name.size()));
  }
  std::lock_guard lock(mutex_);
  if (auto it = tables_.find(name); it != tables_.end()) return it->second.get();
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const std::string version(1, static_cast<char>(store_format::kFormatVersion));
  rocksdb::Status s = db_->Put(sync, store_format::table_key(name), version);
  if (!s.ok()) {
    return Status(Errc::kStorage, fmt::format("table store {}: creating table '{}': {}",
                                              path_.string(), name, s.ToString()));
  }
  auto [it, inserted] =
      tables_.emplace(std::string(name), std::unique_ptr<MaterializedTable>(new MaterializedTable(
                                             std::string(name), *db_, 0, registry_)));
  return it->second.get();
}

MaterializedTable* MaterializedStore::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second.get();
}

std::vector<std::string> MaterializedStore::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, table] : tables_) out.push_back(name);
  return out;
}

Status MaterializedStore::sync() {
  rocksdb::Status s = db_->SyncWAL();
  if (!s.ok()) {
    return Status(Errc::kStorage,
                  fmt::format("table store {}: sync: {}", path_.string(), s.ToString()));
  }
  return Status();
}

}  // namespace caudal::table
