// LookupSnapshot: one immutable, indexed copy of a lookup table's rows, as read from its
// source at one moment. LookupTable (lookup_table.h) publishes a new snapshot on every
// successful reload; a reader holding a shared_ptr to an older one keeps it whole and valid.
//
// Thread-safety: immutable once built; any number of threads may read one snapshot at once.
// find() is a probe of an open-addressing hash table: no allocation, no lock, no atomic.
//
// Keys: one column is the key (the table's `key`). Its cells are the rows' keys, compared as
// text in their JSON-free form ("42", "ada", "true", "2.5"), except that an int key column is
// hashed and compared as int64: find("42") and find(42) reach the same row whatever the key
// column's type, and find("042") misses an int key column as it would miss a text "42".
// A row whose key is null is an error of the source. Two rows with the same key: the later
// one (in file or query order) wins and duplicate_keys() counts the earlier ones dropped.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "table/source.h"
#include "table/value.h"

namespace caudal::table {

// One row. Column names are stored once, in the snapshot: value(i) is the cell of
// snapshot.columns()[i].
class LookupRow {
 public:
  const Value& value(size_t column) const { return values_[column]; }
  std::span<const Value> values() const { return values_; }
  // The whole row as one JSON object, {"id":42,"name":"Ada","zip":null}, columns in source
  // order: ready to splice into an event without serializing again.
  std::string_view json() const { return json_; }
  // The key as text ("42").
  std::string_view key() const { return key_; }

 private:
  friend class LookupSnapshot;
  std::vector<Value> values_;
  std::string json_;
  std::string key_;
};

class LookupSnapshot {
 public:
  // Indexes `rows` by `key_column`. `origin` says where they came from (source.h describe()).
  // Errc::kInvalidOptions when there is no such column, Errc::kMalformedSource naming the row
  // when a key is null. Rows over 2^31 are refused (kInvalidOptions).
  static Result<std::shared_ptr<const LookupSnapshot>> build(SourceRows rows,
                                                             std::string_view key_column,
                                                             std::string origin);

  const std::vector<Column>& columns() const { return columns_; }
  // The index of the column `name`, to read it from every row with value(i).
  std::optional<size_t> column_index(std::string_view name) const;
  size_t key_column() const { return key_column_; }
  const std::string& origin() const { return origin_; }

  size_t size() const { return rows_.size(); }
  // The row at `index` (< size(); in no meaningful order) and the index of a row of this
  // snapshot: a reader can keep its own per-row data (a pipeline's pre-built row objects) in a
  // vector beside the snapshot.
  const LookupRow& row(size_t index) const { return rows_[index]; }
  size_t index_of(const LookupRow& row) const { return static_cast<size_t>(&row - rows_.data()); }
  size_t duplicate_keys() const { return duplicate_keys_; }

  // The row with this key, or nullptr. The pointer lives as long as the snapshot.
  const LookupRow* find(std::string_view key) const;
  const LookupRow* find(int64_t key) const;
  // Starts loading the memory find(key) reads first (its hash slot), so that a caller looking
  // up many keys overlaps their cache misses: prefetch a few keys ahead, then find. Reads
  // nothing itself; a no-op for a table whose keys are not ints.
  void prefetch(int64_t key) const {
    if (int_keys_) __builtin_prefetch(&slots_[hash_int(key) & mask_]);
  }
  // The second step, once prefetch(key) had time to work: reads that slot, starts loading the
  // key of the row it names, and returns that row's index (the row find(key) most likely
  // returns: another key's when the probe must go on), so the caller can prefetch its own
  // per-row data too; size() when the slot is empty or the keys are not ints.
  size_t prefetch_row(int64_t key) const {
    if (!int_keys_) return rows_.size();
    const Slot& s = slots_[hash_int(key) & mask_];
    if (s.row_plus_one == 0) return rows_.size();
    __builtin_prefetch(&int_key_of_row_[s.row_plus_one - 1]);
    return s.row_plus_one - 1;
  }

  // Up to `limit` rows whose key starts with `prefix` and sorts after `after` (byte order of
  // the key text; "" for the first page), in that order.
  std::vector<const LookupRow*> scan(std::string_view prefix, std::string_view after,
                                     size_t limit) const;

 private:
  struct Slot {
    uint32_t hash = 0;
    uint32_t row_plus_one = 0;  // 0: empty
  };
  LookupSnapshot() = default;
  // Where `key` is, or the empty slot where it would go.
  size_t probe_text(std::string_view key, uint64_t hash) const;
  // A 64-bit finalizer (splitmix64's): consecutive ids spread over the whole table.
  static uint64_t hash_int(int64_t key) {
    uint64_t x = static_cast<uint64_t>(key);
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
  }
  size_t probe_int(int64_t key, uint64_t hash) const;

  std::vector<Column> columns_;
  size_t key_column_ = 0;
  bool int_keys_ = false;
  std::string origin_;
  std::vector<LookupRow> rows_;
  std::vector<int64_t> int_key_of_row_;  // int_keys_ only: probes compare here, cache-friendly
  std::vector<Slot> slots_;              // a power of two, at most half full
  size_t mask_ = 0;
  std::vector<uint32_t> sorted_;  // row indexes in byte order of their key text
  size_t duplicate_keys_ = 0;
};

}  // namespace caudal::table
