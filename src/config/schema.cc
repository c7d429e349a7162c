#include "config/schema.h"

#include <algorithm>

namespace caudal::config {
namespace {

// Optimal string alignment distance (Levenshtein plus adjacent swaps): "kafak" is one edit
// from "kafka", as a person would count it.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string key_list(const std::vector<SchemaInfo::Field>& fields) {
  std::string out;
  for (const SchemaInfo::Field& field : fields) {
    if (!out.empty()) out.append(", ");
    out.append(field.name);
  }
  return out;
}

}  // namespace

std::optional<size_t> SchemaInfo::find_field(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return i;
  }
  return std::nullopt;
}

std::string SchemaInfo::expected_map() const {
  return fmt::format("expected a map with keys {}", key_list(fields_));
}

std::string SchemaInfo::unknown_key(std::string_view key) const {
  // Close enough to be a typo: about one edit in three characters, at least one.
  const SchemaInfo::Field* best = nullptr;
  size_t best_distance = SIZE_MAX;
  for (const SchemaInfo::Field& field : fields_) {
    const size_t distance = edit_distance(key, field.name);
    if (distance < best_distance) {
      best = &field;
      best_distance = distance;
    }
  }
  if (best != nullptr && best_distance <= std::max<size_t>(1, best->name.size() / 3)) {
    return fmt::format("unknown key, did you mean '{}'?", best->name);
  }
  return fmt::format("unknown key, expected one of: {}", key_list(fields_));
}

std::optional<std::string_view> closest_name(std::string_view name,
                                             const std::vector<std::string_view>& candidates) {
  std::optional<std::string_view> best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view candidate : candidates) {
    const size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (best.has_value() && best_distance <= std::max<size_t>(1, best->size() / 3)) return best;
  return std::nullopt;
}

const Node::Entry* find_entry(const Node& object, std::string_view key) {
  for (const Node::Entry& entry : object.entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

Position position_of(const Node& object, std::string_view key) {
  const Node::Entry* entry = find_entry(object, key);
  return entry != nullptr ? entry->value.position : object.position;
}

}  // namespace caudal::config
