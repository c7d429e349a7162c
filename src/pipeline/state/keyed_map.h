// KeyedMap: a step's in-memory keyed state with change tracking for checkpoints: a hash map
// from state key (state_key.h) to the step's entry, remembering which keys changed or went away
// since the last delta was taken (StepState::take_delta).
//
// Built for the hot path of a threshold over 50,000 keys, where every event is one lookup and
// the lookup's cache misses are most of the step's cost: entries live in slots of 64-byte
// aligned chunks (stable addresses: a reference from find() or change() stays valid until
// that key is erased; the chunk table is small enough to stay in L1, unlike a deque's map),
// found through an open-addressing index (linear probing, at most half full) whose
// cells hold the slot number and 32 bits of the key's hash, so a probe touches one cache line
// of the index and then only the slot that matches. A cell's home is taken from those 32 bits,
// so growing and erasing never hash a stored key again. Change tracking is a flag per slot
// plus a list of changed slot numbers, so touching an entry that is already changed costs one
// flag test, and taking a delta walks that list without hashing again.
//
// Hashes: every call takes the key's hash (state_key_hash, computed once per event from the
// key_by's hash) or computes it from the key's bytes; both give the same value. A step walking
// a batch calls prefetch_cell() and then prefetch_entry() for events a few places ahead, so the
// misses of different events overlap instead of adding up.
//
// Threads: the pipeline task's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/state/state_key.h"
#include "pipeline/state/step_state.h"

namespace caudal::pipeline {

// Starts loading the cache line of `address`. Inline assembly on x86-64 because GCC 12's
// dead-code elimination deletes a __builtin_prefetch that depends on a test or a loop (it
// does not count a prefetch as an effect), which is where KeyedMap needs them.
inline void prefetch_line(const void* address) {
#if defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(address)));
#else
  __builtin_prefetch(address);
#endif
}

template <typename Entry>
class KeyedMap {
 public:
  // The entry of `key`, or nullptr. Does not mark it changed.
  Entry* find(std::string_view key, uint64_t h) {
    const size_t cell = lookup(key, h);
    return index_[cell] == 0 ? nullptr : &slot_of(index_[cell]).entry;
  }
  Entry* find(std::string_view key) { return find(key, state_key_hash(key)); }
  const Entry* find(std::string_view key) const { return const_cast<KeyedMap*>(this)->find(key); }

  // The entry of `key`, created (default) when missing, marked changed. `created` tells which.
  Entry& change(std::string_view key, uint64_t h, bool* created = nullptr) {
    size_t cell = lookup(key, h);
    if (index_[cell] == 0) cell = insert(std::string(key), h, cell);
    Slot& slot = slot_of(index_[cell]);
    if (created != nullptr) *created = slot.fresh;
    slot.fresh = false;
    mark(slot, index_[cell]);
    return slot.entry;
  }
  Entry& change(std::string_view key, bool* created = nullptr) { return change(key, state_key_hash(key), created); }

  // Calls `update(entry)` on the entry of `key` when there is one and marks the entry changed
  // when that returns true; one lookup. False when `key` has no entry.
  template <typename Update>
  bool update_existing(std::string_view key, uint64_t h, Update&& update) {
    const size_t cell = lookup(key, h);
    if (index_[cell] == 0) return false;
    Slot& slot = slot_of(index_[cell]);
    if (update(slot.entry)) mark(slot, index_[cell]);
    return true;
  }
  template <typename Update>
  bool update_existing(std::string_view key, Update&& update) {
    return update_existing(key, state_key_hash(key), std::forward<Update>(update));
  }

  void erase(std::string_view key, uint64_t h) {
    const size_t cell = lookup(key, h);
    if (index_[cell] == 0) return;
    const uint64_t cell_value = index_[cell];
    Slot& slot = slot_of(cell_value);
    deleted_.push_back(std::move(slot.key));
    slot = Slot{};
    slot.live = false;
    free_.push_back(static_cast<uint32_t>(cell_value));
    --size_;
    unlink(cell);
  }
  void erase(std::string_view key) { erase(key, state_key_hash(key)); }

  // Starts loading the index cell where the key of hash `h` is found.
  void prefetch_cell(uint64_t h) const {
    prefetch_line(&index_[home(tag(h))]);
  }
  // Starts loading the slot of the key of hash `h` (found by its tag; the cell should be
  // loaded already: prefetch_cell a few events earlier).
  void prefetch_entry(uint64_t h) const {
    const size_t mask = index_.size() - 1;
    for (size_t cell = home(tag(h));; cell = (cell + 1) & mask) {
      const uint64_t value = index_[cell];
      if (value == 0) return;
      if ((value >> 32) != tag(h)) continue;
      const char* slot = reinterpret_cast<const char*>(&slot_of(value));
      prefetch_line(slot);
      prefetch_line(slot + sizeof(Slot) - 1);
      return;
    }
  }

  // Puts a restored entry, not marked changed.
  void restore(std::string key, Entry entry) {
    const uint64_t h = state_key_hash(key);
    size_t cell = lookup(key, h);
    if (index_[cell] == 0) cell = insert(std::move(key), h, cell);
    Slot& slot = slot_of(index_[cell]);
    slot.entry = std::move(entry);
    slot.fresh = false;
  }

  // Deletions, then the changed entries, each value what `encode(entry, out)` appends to `out`.
  template <typename Encode>
  void take_delta(StateDelta& out, Encode&& encode) {
    for (const std::string& key : deleted_) out.erase(key);
    deleted_.clear();
    out.reserve(changed_.size());
    for (size_t i = 0; i < changed_.size(); ++i) {
      // The slots are scattered: start loading them a few entries ahead.
      if (i + kEntryAhead < changed_.size()) prefetch_line(&slot_at(changed_[i + kEntryAhead]));
      Slot& slot = slot_at(changed_[i]);
      if (!slot.live || !slot.changed) continue;  // erased since, or listed twice
      slot.changed = false;
      out.put_encoded(slot.key, [&](std::string& value) { encode(slot.entry, value); });
    }
    changed_.clear();
  }

  void mark_all_changed() {
    changed_.clear();
    for (uint32_t number = 0; number < slot_count_; ++number) {
      Slot& slot = slot_at(number);
      if (!slot.live) continue;
      slot.changed = true;
      changed_.push_back(static_cast<uint32_t>(number));
    }
  }

  size_t size() const { return size_; }

  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (uint32_t number = 0; number < slot_count_; ++number) {
      const Slot& slot = const_cast<KeyedMap*>(this)->slot_at(number);
      if (slot.live) visit(slot.key, slot.entry);
    }
  }

 private:
  // Aligned so that a slot of up to 64 bytes is one cache line, and a larger one two.
  struct alignas(64) Slot {
    std::string key;
    Entry entry{};
    bool live = true;
    bool changed = false;
    bool fresh = true;
  };

  // A cell of the index: 0 when empty, else (32 bits of the hash) << 32 | (slot number + 1).
  // The cell's home is those 32 bits modulo the index size.
  static uint32_t tag(uint64_t h) { return static_cast<uint32_t>(h >> 32); }
  size_t home(uint32_t tag) const { return tag & (index_.size() - 1); }
  static constexpr uint32_t kChunkBits = 8;  // slots per chunk: 256
  static constexpr size_t kEntryAhead = 8;
  Slot& slot_at(uint32_t number) { return chunks_[number >> kChunkBits][number & ((1u << kChunkBits) - 1)]; }
  const Slot& slot_at(uint32_t number) const { return const_cast<KeyedMap*>(this)->slot_at(number); }
  Slot& slot_of(uint64_t cell_value) { return slot_at(static_cast<uint32_t>(cell_value) - 1); }
  const Slot& slot_of(uint64_t cell_value) const { return slot_at(static_cast<uint32_t>(cell_value) - 1); }

  // The cell holding `key`, or the empty cell where it would go.
  size_t lookup(std::string_view key, uint64_t h) const {
    const size_t mask = index_.size() - 1;
    for (size_t cell = home(tag(h));; cell = (cell + 1) & mask) {
      const uint64_t value = index_[cell];
      if (value == 0) return cell;
      if ((value >> 32) == tag(h) && slot_of(value).key == key) return cell;
    }
  }

  // Stores a new slot for `key` at `cell` (from lookup) and returns its cell, which moves
  // when the index grows.
  size_t insert(std::string key, uint64_t h, size_t cell) {
    uint32_t number;
    if (!free_.empty()) {
      number = free_.back() - 1;
      free_.pop_back();
      slot_at(number) = Slot{};
    } else {
      number = slot_count_++;
      if ((number >> kChunkBits) == chunks_.size()) chunks_.push_back(std::make_unique<Slot[]>(size_t{1} << kChunkBits));
    }
    slot_at(number).key = std::move(key);
    ++size_;
    if ((size_ + 1) * 2 > index_.size()) {
      grow();
      cell = lookup(slot_at(number).key, h);
    }
    index_[cell] = (uint64_t{tag(h)} << 32) | (number + 1);
    return cell;
  }

  void grow() {
    std::vector<uint64_t> old = std::move(index_);
    index_.assign(old.size() * 2, 0);
    const size_t mask = index_.size() - 1;
    for (uint64_t value : old) {
      if (value == 0) continue;
      size_t cell = home(static_cast<uint32_t>(value >> 32));
      while (index_[cell] != 0) cell = (cell + 1) & mask;
      index_[cell] = value;
    }
  }

  // Empties `cell` and shifts later cells of its probe run back, so lookups need no markers.
  void unlink(size_t cell) {
    const size_t mask = index_.size() - 1;
    size_t hole = cell;
    index_[hole] = 0;
    for (size_t next = (hole + 1) & mask; index_[next] != 0; next = (next + 1) & mask) {
      const size_t start = home(static_cast<uint32_t>(index_[next] >> 32));
      // The entry at `next` may fill the hole when its home is not cyclically in (hole, next].
      const bool stays = hole <= next ? (start > hole && start <= next) : (start > hole || start <= next);
      if (stays) continue;
      index_[hole] = index_[next];
      index_[next] = 0;
      hole = next;
    }
  }

  void mark(Slot& slot, uint64_t cell_value) {
    if (slot.changed) return;
    slot.changed = true;
    changed_.push_back(static_cast<uint32_t>(cell_value) - 1);
  }

  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t slot_count_ = 0;  // slots made, live or erased
  std::vector<uint32_t> free_;  // erased slot numbers + 1
  // Never empty, so no lookup tests for it.
  std::vector<uint64_t> index_ = std::vector<uint64_t>(64, 0);
  size_t size_ = 0;
  std::vector<uint32_t> changed_;  // slot numbers
  std::vector<std::string> deleted_;
};

}  // namespace caudal::pipeline
