#include "index/term_table.h"

#include <functional>

namespace caudal::index {

uint32_t TermTable::intern(std::string_view term) {
  if ((entries_.size() + 1) * 2 > slots_.size()) grow();
  const uint64_t hash = std::hash<std::string_view>{}(term);
  const uint32_t low = static_cast<uint32_t>(hash);
  const size_t mask = slots_.size() - 1;
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    Slot& slot = slots_[at];
    if (slot.id_plus_one == 0) {
      const uint32_t id = static_cast<uint32_t>(entries_.size());
      entries_.push_back(Entry{arena_.size(), static_cast<uint32_t>(term.size())});
      arena_.append(term);
      slot = Slot{id + 1, low};
      return id;
    }
    if (slot.hash != low) continue;
    const Entry& entry = entries_[slot.id_plus_one - 1];
    if (entry.length == term.size() &&
        std::string_view(arena_).substr(entry.offset, entry.length) == term) {
      return slot.id_plus_one - 1;
    }
  }
}

void TermTable::grow() {
  const size_t size = slots_.empty() ? 64 : slots_.size() * 2;
  std::vector<Slot> old(size, Slot{0, 0});
  old.swap(slots_);
  const size_t mask = size - 1;
  for (const Slot& slot : old) {
    if (slot.id_plus_one == 0) continue;
    // Slots keep only the hash's low 32 bits, enough to place them in up to 2^32 slots.
    size_t at = slot.hash & mask;
    while (slots_[at].id_plus_one != 0) at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

}  // namespace caudal::index
