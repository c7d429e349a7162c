// MaterializedTable: the latest JSON document per key, kept in RocksDB (CQRS's read side).
// The pipeline's `table` sink writes it; the HTTP API reads it. Tables live in one
// MaterializedStore (materialized_store.h), which owns them; the layout on disk is in
// docs/tables.md §On disk.
//
// Versions: every put carries a version (the event's source offset, or any number that grows
// with the event's age). A put whose version is lower than the stored one is skipped, so an
// old event replayed after a restart never overwrites a newer state; an equal version
// overwrites, so replaying the same events leaves the same state (idempotent). remove() drops
// a key whatever its version.
//
// Durability: with Durability::kSync, a put or remove is on disk when it returns (a synced
// RocksDB write). With kNoSync it is in RocksDB's write-ahead log in the OS's page cache: it
// survives a crash of the process but not of the machine until MaterializedStore::sync()
// returns. Either way it is visible to every reader, on any thread, when the call returns, and
// a batch is atomic: all its puts become visible (and durable) together.
//
// Thread-safety: reads (get, scan, count) from any thread at any time. Writes (put, remove) from
// any thread; they are serialized per table, as a version check and its write must be.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics/registry.h"
#include "common/result.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace caudal::table {

enum class Durability { kSync, kNoSync };

struct TablePut {
  std::string_view key;   // any bytes, at most 64 KiB
  std::string_view json;  // the document, valid JSON text (not checked here: the caller made it)
  uint64_t version = 0;
};

struct StoredRow {
  std::string key;
  std::string json;
  uint64_t version = 0;

  friend bool operator==(const StoredRow&, const StoredRow&) = default;
};

struct ScanPage {
  std::vector<StoredRow> rows;
  // The key to pass as `after` for the next page; nullopt when this page is the last.
  std::optional<std::string> next;
};

class MaterializedTable {
 public:
  MaterializedTable(const MaterializedTable&) = delete;
  MaterializedTable& operator=(const MaterializedTable&) = delete;

  const std::string& name() const { return name_; }

  // Writes the batch in one atomic RocksDB write. Returns how many puts were applied (the rest
  // were older than the stored version, or older than a later put of the same key in the same
  // batch). Errc::kInvalidOptions for a key over 64 KiB (nothing written), Errc::kStorage
  // when RocksDB refuses.
  Result<size_t> put(std::span<const TablePut> puts, Durability durability);

  // The document stored under `key`, or nullopt.
  Result<std::optional<StoredRow>> get(std::string_view key) const;

  // Up to `limit` rows whose key starts with `prefix` and sorts after `after` (byte order; ""
  // for the first page), in key order. `next` is set when more rows follow.
  Result<ScanPage> scan(std::string_view prefix, std::string_view after, size_t limit) const;

  // Drops `key` (a no-op when absent). True when there was a row.
  Result<bool> remove(std::string_view key, Durability durability);

  // Rows in the table now.
  uint64_t count() const;

 private:
  friend class MaterializedStore;
  MaterializedTable(std::string name, rocksdb::DB& db, uint64_t count, metrics::Registry& registry);
  std::string data_key(std::string_view key) const;

  std::string name_;
  std::string prefix_;  // every key of this table starts with it
  rocksdb::DB& db_;
  std::mutex write_mutex_;
  std::atomic<uint64_t> count_;
  metrics::Gauge& rows_;
  metrics::Counter& puts_;
};

}  // namespace caudal::table
