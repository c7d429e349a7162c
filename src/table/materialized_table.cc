#include "table/materialized_table.h"

#include <map>
#include <memory>

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "table/errc.h"
#include "table/store_format.h"

namespace caudal::table {
namespace {

constexpr size_t kMaxKeyBytes = 64 * 1024;

rocksdb::WriteOptions write_options(Durability durability) {
  rocksdb::WriteOptions options;
  options.sync = durability == Durability::kSync;
  return options;
}

rocksdb::Slice slice(std::string_view s) {
  return {s.data(), s.size()};
}
std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

}  // namespace

MaterializedTable::MaterializedTable(std::string name, rocksdb::DB& db, uint64_t count,
                                     metrics::Registry& registry)
    : name_(std::move(name)),
      prefix_(store_format::data_prefix(name_)),
      db_(db),
      count_(count),
      rows_(registry.gauge("caudal_table_rows", "rows in the table", {"table"}).with({name_})),
      puts_(registry
                .counter("caudal_table_puts_total",
                         "documents written to a materialized table (skipped older ones excluded)",
                         {"table"})
                .with({name_})) {
  rows_.set(static_cast<double>(count));
}

std::string MaterializedTable::data_key(std::string_view key) const {
  std::string out = prefix_;
  out.append(key);
  return out;
}

Result<size_t> MaterializedTable::put(std::span<const TablePut> puts, Durability durability) {
  for (const TablePut& p : puts) {
    if (p.key.size() > kMaxKeyBytes) {
      return Status(Errc::kInvalidOptions,
                    fmt::format("table '{}': a key of {} bytes is over the limit of {}", name_,
                                p.key.size(), kMaxKeyBytes));
    }
  }
  std::lock_guard lock(write_mutex_);
  // The version each key will have after the batch, stored or earlier in it; nullopt: absent.
  std::map<std::string_view, std::optional<uint64_t>> versions;
  rocksdb::WriteBatch batch;
  size_t applied = 0;
  uint64_t added = 0;
  std::string stored;
  for (const TablePut& p : puts) {
    auto it = versions.find(p.key);
    if (it == versions.end()) {
      rocksdb::Status s = db_.Get(rocksdb::ReadOptions(), slice(data_key(p.key)), &stored);
      std::optional<uint64_t> version;
      if (s.ok()) {
        CAUDAL_ASSIGN_OR_RETURN(store_format::Document doc,
                                store_format::decode_document(name_, stored));
        version = doc.version;
      } else if (!s.IsNotFound()) {
        return Status(Errc::kStorage, fmt::format("table '{}': reading a key before a put: {}",
                                                  name_, s.ToString()));
      }
      it = versions.emplace(p.key, version).first;
    }
    if (it->second.has_value() && *it->second > p.version) continue;
    if (!it->second.has_value()) ++added;
    it->second = p.version;
    rocksdb::Status s =
        batch.Put(data_key(p.key), store_format::encode_document(p.version, p.json));
    if (!s.ok()) {
      return Status(Errc::kStorage, fmt::format("table '{}': put: {}", name_, s.ToString()));
    }
    ++applied;
  }
  if (applied == 0) return applied;
  rocksdb::Status s = db_.Write(write_options(durability), &batch);
  if (!s.ok()) {
    return Status(Errc::kStorage, fmt::format("table '{}': writing {} documents: {}", name_,
                                              applied, s.ToString()));
  }
  count_ += added;
  rows_.set(static_cast<double>(count_.load()));
  puts_.inc(applied);
  return applied;
}

Result<std::optional<StoredRow>> MaterializedTable::get(std::string_view key) const {
  std::string stored;
  rocksdb::Status s = db_.Get(rocksdb::ReadOptions(), slice(data_key(key)), &stored);
  if (s.IsNotFound()) return std::optional<StoredRow>();
  if (!s.ok()) {
    return Status(Errc::kStorage, fmt::format("table '{}': get: {}", name_, s.ToString()));
  }
  CAUDAL_ASSIGN_OR_RETURN(store_format::Document doc, store_format::decode_document(name_, stored));
  return std::optional<StoredRow>(StoredRow{std::string(key), std::string(doc.json), doc.version});
}

Result<ScanPage> MaterializedTable::scan(std::string_view prefix, std::string_view after,
                                         size_t limit) const {
  const std::string lower = data_key(prefix);
  std::unique_ptr<rocksdb::Iterator> it(db_.NewIterator(rocksdb::ReadOptions()));
  ScanPage page;
  if (after.empty() || after < prefix) {
    it->Seek(lower);
  } else {
    it->Seek(data_key(after));
    if (it->Valid() && view(it->key()) == data_key(after)) it->Next();
  }
  // Keys in byte order: the first one without the prefix ends the range.
  for (; it->Valid() && view(it->key()).starts_with(lower); it->Next()) {
    const std::string_view key = view(it->key()).substr(prefix_.size());
    if (page.rows.size() == limit) {
      page.next = page.rows.empty() ? std::string(after) : page.rows.back().key;
      break;
    }
    CAUDAL_ASSIGN_OR_RETURN(store_format::Document doc,
                            store_format::decode_document(name_, view(it->value())));
    page.rows.push_back(StoredRow{std::string(key), std::string(doc.json), doc.version});
  }
  if (!it->status().ok()) {
    return Status(Errc::kStorage,
                  fmt::format("table '{}': scan: {}", name_, it->status().ToString()));
  }
  return page;
}

Result<bool> MaterializedTable::remove(std::string_view key, Durability durability) {
  std::lock_guard lock(write_mutex_);
  std::string stored;
  const std::string full = data_key(key);
  rocksdb::Status s = db_.Get(rocksdb::ReadOptions(), slice(full), &stored);
  if (s.IsNotFound()) return false;
  if (s.ok()) s = db_.Delete(write_options(durability), slice(full));
  if (!s.ok()) {
    return Status(Errc::kStorage, fmt::format("table '{}': remove: {}", name_, s.ToString()));
  }
  count_ -= 1;
  rows_.set(static_cast<double>(count_.load()));
  return true;
}

uint64_t MaterializedTable::count() const {
  return count_.load();
}

}  // namespace caudal::table
