// TermTable: the distinct terms (tokens or whole values) of one field of a segment being
// built, numbered in order of first appearance. The bytes of every term live in one arena and
// the table is open-addressed over it, so a term seen before costs a hash and a compare, a new
// one no allocation of its own, and dropping the table frees a few large blocks instead of a
// node per term (SegmentBuilder's hot path: several lookups per field of every document).
// Insert-only; one owner, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace caudal::index {

class TermTable {
 public:
  // The number of `term`, adding it when new.
  uint32_t intern(std::string_view term);
  uint32_t size() const { return static_cast<uint32_t>(entries_.size()); }
  std::string_view term(uint32_t id) const {
    return std::string_view(arena_).substr(entries_[id].offset, entries_[id].length);
  }

 private:
  struct Entry {
    uint64_t offset;
    uint32_t length;
  };
  // The hash's low bits sit in the slot, so a probe past other terms touches neither their
  // entries nor their bytes (for a field of mostly distinct values, those are cache misses).
  struct Slot {
    uint32_t id_plus_one;  // 0: free
    uint32_t hash;
  };
  void grow();

  std::string arena_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;  // a power of two in size
};

}  // namespace caudal::index
