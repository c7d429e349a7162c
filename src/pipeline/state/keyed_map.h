// KeyedMap: a step's in-memory keyed state with change tracking for checkpoints: a hash map
// from state key (state_key.h) to the step's entry, remembering which keys changed or went away
// since the last delta was taken (StepState::take_delta).
//
// Built for the hot path of a threshold over 50,000 keys, where every event is one lookup and
// the lookup's cache misses are most of the step's cost: entries live in a deque of slots
// (stable addresses: a reference from find() or change() stays valid until that key is
// erased), found through an open-addressing index (linear probing, at most half full) whose
// cells hold the slot number and 32 bits of the key's hash, so a probe touches one cache line
// of the index and then only the slot that matches. Change tracking is a flag per slot plus a
// list of changed slot numbers, so touching an entry that is already changed costs one flag
// test, and taking a delta walks that list without hashing again.
//
// Threads: the pipeline task's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/state/step_state.h"

namespace caudal::pipeline {

template <typename Entry>
class KeyedMap {
 public:
  // The entry of `key`, or nullptr. Does not mark it changed.
  Entry* find(std::string_view key) {
    const size_t cell = lookup(key, hash(key));
    return index_.empty() || index_[cell] == 0 ? nullptr : &slot_of(index_[cell]).entry;
  }
  const Entry* find(std::string_view key) const { return const_cast<KeyedMap*>(this)->find(key); }

  // The entry of `key`, created (default) when missing, marked changed. `created` tells which.
  Entry& change(std::string_view key, bool* created = nullptr) {
    const uint64_t h = hash(key);
    size_t cell = lookup(key, h);
    if (index_.empty() || index_[cell] == 0) cell = insert(std::string(key), h, cell);
    Slot& slot = slot_of(index_[cell]);
    if (created != nullptr) *created = slot.fresh;
    slot.fresh = false;
    mark(slot, index_[cell]);
    return slot.entry;
  }

  // Calls `update(entry)` on the entry of `key` when there is one and marks the entry changed
  // when that returns true; one lookup. False when `key` has no entry.
  template <typename Update>
  bool update_existing(std::string_view key, Update&& update) {
    const size_t cell = lookup(key, hash(key));
    if (index_.empty() || index_[cell] == 0) return false;
    Slot& slot = slot_of(index_[cell]);
    if (update(slot.entry)) mark(slot, index_[cell]);
    return true;
  }

  void erase(std::string_view key) {
    const size_t cell = lookup(key, hash(key));
    if (index_.empty() || index_[cell] == 0) return;
    const uint64_t cell_value = index_[cell];
    Slot& slot = slot_of(cell_value);
    deleted_.push_back(std::move(slot.key));
    slot = Slot{};
    slot.live = false;
    free_.push_back(static_cast<uint32_t>(cell_value));
    --size_;
    unlink(cell);
  }

  // Puts a restored entry, not marked changed.
  void restore(std::string key, Entry entry) {
    const uint64_t h = hash(key);
    size_t cell = lookup(key, h);
    if (index_.empty() || index_[cell] == 0) cell = insert(std::move(key), h, cell);
    Slot& slot = slot_of(index_[cell]);
    slot.entry = std::move(entry);
    slot.fresh = false;
  }

  // Deletions, then the changed entries encoded by `encode(entry, out_value)`.
  template <typename Encode>
  void take_delta(std::vector<StateWrite>& out, Encode&& encode) {
    for (std::string& key : deleted_) out.push_back(StateWrite{std::move(key), std::nullopt});
    deleted_.clear();
    for (uint32_t number : changed_) {
      Slot& slot = slots_[number];
      if (!slot.live || !slot.changed) continue;  // erased since, or listed twice
      slot.changed = false;
      std::string value;
      encode(slot.entry, value);
      out.push_back(StateWrite{slot.key, std::move(value)});
    }
    changed_.clear();
  }

  void mark_all_changed() {
    changed_.clear();
    for (size_t number = 0; number < slots_.size(); ++number) {
      Slot& slot = slots_[number];
      if (!slot.live) continue;
      slot.changed = true;
      changed_.push_back(static_cast<uint32_t>(number));
    }
  }

  size_t size() const { return size_; }

  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (const Slot& slot : slots_) {
      if (slot.live) visit(slot.key, slot.entry);
    }
  }

 private:
  struct Slot {
    std::string key;
    Entry entry{};
    bool live = true;
    bool changed = false;
    bool fresh = true;
  };

  // A cell of the index: 0 when empty, else (32 bits of the hash) << 32 | (slot number + 1).
  static uint32_t tag(uint64_t h) { return static_cast<uint32_t>(h >> 32); }
  static uint64_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  Slot& slot_of(uint64_t cell_value) { return slots_[static_cast<uint32_t>(cell_value) - 1]; }

  // The cell holding `key`, or the empty cell where it would go. Any cell when the index is
  // empty (callers test index_.empty() first).
  size_t lookup(std::string_view key, uint64_t h) const {
    if (index_.empty()) return 0;
    const size_t mask = index_.size() - 1;
    for (size_t cell = h & mask;; cell = (cell + 1) & mask) {
      const uint64_t value = index_[cell];
      if (value == 0) return cell;
      if ((value >> 32) == tag(h) && slots_[static_cast<uint32_t>(value) - 1].key == key) return cell;
    }
  }

  // Stores a new slot for `key` at `cell` (from lookup) and returns its cell, which moves
  // when the index grows.
  size_t insert(std::string key, uint64_t h, size_t cell) {
    uint32_t number;
    if (!free_.empty()) {
      number = free_.back() - 1;
      free_.pop_back();
      slots_[number] = Slot{};
    } else {
      number = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    slots_[number].key = std::move(key);
    ++size_;
    if ((size_ + 1) * 2 > index_.size()) {
      grow();
      cell = lookup(slots_[number].key, h);
    }
    index_[cell] = (uint64_t{tag(h)} << 32) | (number + 1);
    return cell;
  }

  void grow() {
    std::vector<uint64_t> old = std::move(index_);
    index_.assign(old.empty() ? 64 : old.size() * 2, 0);
    const size_t mask = index_.size() - 1;
    for (uint64_t value : old) {
      if (value == 0) continue;
      size_t cell = hash(slot_of(value).key) & mask;
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
      const size_t home = hash(slot_of(index_[next]).key) & mask;
      // The entry at `next` may fill the hole when its home is not cyclically in (hole, next].
      const bool stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
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

  std::deque<Slot> slots_;
  std::vector<uint32_t> free_;  // erased slot numbers + 1
  std::vector<uint64_t> index_;
  size_t size_ = 0;
  std::vector<uint32_t> changed_;  // slot numbers
  std::vector<std::string> deleted_;
};

}  // namespace caudal::pipeline
