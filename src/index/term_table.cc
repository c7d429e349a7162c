#include "index/term_table.h"

#include <functional>

namespace caudal::index {

uint32_t TermTable::intern(std::string_view term) {
  if ((entries_.size() + 1) * 2 > slots_.size()) grow();
  const uint64_t hash = std::hash<std::string_view>{}(term);
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const uint32_t held = slots_[slot];
    if (held == 0) {
      const uint32_t id = static_cast<uint32_t>(entries_.size());
      entries_.push_back(
          Entry{arena_.size(), static_cast<uint32_t>(term.size()), static_cast<uint32_t>(hash)});
      arena_.append(term);
      slots_[slot] = id + 1;
      return id;
    }
    const Entry& entry = entries_[held - 1];
    if (entry.hash == static_cast<uint32_t>(hash) && entry.length == term.size() &&
        std::string_view(arena_).substr(entry.offset, entry.length) == term) {
      return held - 1;
    }
  }
}

void TermTable::grow() {
  const size_t size = slots_.empty() ? 64 : slots_.size() * 2;
  slots_.assign(size, 0);
  const size_t mask = size - 1;
  for (uint32_t id = 0; id < entries_.size(); ++id) {
    // Entries keep only the hash's low 32 bits, enough to place them in up to 2^32 slots.
    size_t slot = entries_[id].hash & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = id + 1;
  }
}

}  // namespace caudal::index
