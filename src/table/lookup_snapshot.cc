#include "table/lookup_snapshot.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <functional>

#include <fmt/format.h>

#include "common/check.h"
#include "table/errc.h"

namespace caudal::table {
namespace {

uint64_t hash_text(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}


// The key's text: its cell without JSON quoting.
std::string key_text(const Value& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  std::string out;
  append_json(out, cell);
  return out;
}

}  // namespace

Result<std::shared_ptr<const LookupSnapshot>> LookupSnapshot::build(SourceRows rows,
                                                                    std::string_view key_column,
                                                                    std::string origin) {
  std::shared_ptr<LookupSnapshot> snapshot(new LookupSnapshot());
  snapshot->columns_ = std::move(rows.columns);
  snapshot->origin_ = std::move(origin);
  const std::optional<size_t> key = snapshot->column_index(key_column);
  if (!key) {
    std::string names;
    for (const Column& c : snapshot->columns_) names += (names.empty() ? "" : ", ") + c.name;
    return Status(Errc::kInvalidOptions, fmt::format("{}: no key column '{}' (columns: {})",
                                                     snapshot->origin_, key_column, names));
  }
  if (rows.rows.size() >= (1ull << 31)) {
    return Status(Errc::kInvalidOptions,
                  fmt::format("{}: {} rows, more than a lookup table holds (2^31)",
                              snapshot->origin_, rows.rows.size()));
  }
  snapshot->key_column_ = *key;
  snapshot->int_keys_ = snapshot->columns_[*key].type == ColumnType::kInt;
  const size_t capacity = std::bit_ceil(std::max<size_t>(16, rows.rows.size() * 2));
  snapshot->slots_.resize(capacity);
  snapshot->mask_ = capacity - 1;
  snapshot->rows_.reserve(rows.rows.size());

  for (size_t r = 0; r < rows.rows.size(); ++r) {
    std::vector<Value>& cells = rows.rows[r];
    if (is_null(cells[*key])) {
      return Status(Errc::kMalformedSource,
                    fmt::format("{}: the key column '{}' is empty", rows.locations[r], key_column));
    }
    LookupRow row;
    row.key_ = key_text(cells[*key]);
    row.json_.push_back('{');
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) row.json_.push_back(',');
      append_json_string(row.json_, snapshot->columns_[c].name);
      row.json_.push_back(':');
      append_json(row.json_, cells[c]);
    }
    row.json_.push_back('}');
    const int64_t int_key = snapshot->int_keys_ ? std::get<int64_t>(cells[*key]) : 0;
    row.values_ = std::move(cells);

    const uint64_t hash = snapshot->int_keys_ ? hash_int(int_key) : hash_text(row.key_);
    const size_t slot = snapshot->int_keys_ ? snapshot->probe_int(int_key, hash)
                                            : snapshot->probe_text(row.key_, hash);
    Slot& s = snapshot->slots_[slot];
    if (s.row_plus_one != 0) {
      // Last one wins, in the earlier row's place: rows_ holds no unreachable rows.
      snapshot->rows_[s.row_plus_one - 1] = std::move(row);
      ++snapshot->duplicate_keys_;
      continue;
    }
    snapshot->rows_.push_back(std::move(row));
    if (snapshot->int_keys_) snapshot->int_key_of_row_.push_back(int_key);
    s.hash = static_cast<uint32_t>(hash);
    s.row_plus_one = static_cast<uint32_t>(snapshot->rows_.size());
  }

  snapshot->sorted_.resize(snapshot->rows_.size());
  for (size_t i = 0; i < snapshot->sorted_.size(); ++i) {
    snapshot->sorted_[i] = static_cast<uint32_t>(i);
  }
  const auto& all = snapshot->rows_;
  std::sort(snapshot->sorted_.begin(), snapshot->sorted_.end(),
            [&all](uint32_t a, uint32_t b) { return all[a].key_ < all[b].key_; });
  return std::shared_ptr<const LookupSnapshot>(std::move(snapshot));
}

std::optional<size_t> LookupSnapshot::column_index(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  return std::nullopt;
}

size_t LookupSnapshot::probe_text(std::string_view key, uint64_t hash) const {
  const auto tag = static_cast<uint32_t>(hash);
  size_t i = hash & mask_;
  while (true) {
    const Slot& s = slots_[i];
    if (s.row_plus_one == 0 || (s.hash == tag && rows_[s.row_plus_one - 1].key_ == key)) return i;
    i = (i + 1) & mask_;
  }
}

size_t LookupSnapshot::probe_int(int64_t key, uint64_t hash) const {
  const auto tag = static_cast<uint32_t>(hash);
  size_t i = hash & mask_;
  while (true) {
    const Slot& s = slots_[i];
    if (s.row_plus_one == 0 || (s.hash == tag && int_key_of_row_[s.row_plus_one - 1] == key)) {
      return i;
    }
    i = (i + 1) & mask_;
  }
}

const LookupRow* LookupSnapshot::find(std::string_view key) const {
  if (int_keys_) {
    const std::optional<int64_t> number = parse_int(key);
    return number ? find(*number) : nullptr;
  }
  const Slot& s = slots_[probe_text(key, hash_text(key))];
  return s.row_plus_one == 0 ? nullptr : &rows_[s.row_plus_one - 1];
}

const LookupRow* LookupSnapshot::find(int64_t key) const {
  if (!int_keys_) {
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, key);
    CAUDAL_CHECK(ec == std::errc(), "an int64 fits 24 characters");
    return find(std::string_view(buffer, static_cast<size_t>(end - buffer)));
  }
  const Slot& s = slots_[probe_int(key, hash_int(key))];
  return s.row_plus_one == 0 ? nullptr : &rows_[s.row_plus_one - 1];
}

std::vector<const LookupRow*> LookupSnapshot::scan(std::string_view prefix, std::string_view after,
                                                   size_t limit) const {
  std::vector<const LookupRow*> out;
  const std::string_view from = std::max(prefix, after);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), from,
                             [this](uint32_t row, std::string_view key) {
                               return std::string_view(rows_[row].key_) < key;
                             });
  for (; it != sorted_.end() && out.size() < limit; ++it) {
    const LookupRow& row = rows_[*it];
    if (!row.key_.starts_with(prefix)) break;
    if (!after.empty() && std::string_view(row.key_) <= after) continue;
    out.push_back(&row);
  }
  return out;
}

}  // namespace caudal::table
