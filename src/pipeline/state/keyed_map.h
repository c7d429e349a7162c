// KeyedMap: a step's in-memory keyed state with change tracking for checkpoints: a hash map
// from state key (state_key.h) to the step's entry, remembering which keys changed or went away
// since the last delta was taken (StepState::take_delta).
//
// Change tracking is a flag per entry plus a list of changed keys, so touching an entry that is
// already changed costs one flag test (the hot path of a threshold over 50,000 keys).
//
// Threads: the pipeline task's thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pipeline/state/step_state.h"

namespace caudal::pipeline {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

template <typename Entry>
class KeyedMap {
 public:
  // The entry of `key`, or nullptr. Does not mark it changed.
  Entry* find(std::string_view key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.entry;
  }
  const Entry* find(std::string_view key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.entry;
  }

  // The entry of `key`, created (default) when missing, marked changed. `created` tells which.
  Entry& change(std::string_view key, bool* created = nullptr) {
    auto it = map_.find(key);
    if (it == map_.end()) it = map_.emplace(std::string(key), Slot{}).first;
    if (created != nullptr) *created = it->second.fresh;
    it->second.fresh = false;
    if (!it->second.changed) {
      it->second.changed = true;
      changed_.push_back(it->first);
    }
    return it->second.entry;
  }

  // Calls `update(entry)` on the entry of `key` when there is one and marks the entry changed
  // when that returns true; one lookup. False when `key` has no entry.
  template <typename Update>
  bool update_existing(std::string_view key, Update&& update) {
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    if (update(it->second.entry) && !it->second.changed) {
      it->second.changed = true;
      changed_.push_back(it->first);
    }
    return true;
  }

  void erase(std::string_view key) {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    deleted_.push_back(it->first);
    map_.erase(it);
  }

  // Puts a restored entry, not marked changed.
  void restore(std::string key, Entry entry) {
    Slot slot;
    slot.entry = std::move(entry);
    slot.fresh = false;
    map_.insert_or_assign(std::move(key), std::move(slot));
  }

  // Deletions, then the changed entries encoded by `encode(entry, out_value)`.
  template <typename Encode>
  void take_delta(std::vector<StateWrite>& out, Encode&& encode) {
    for (std::string& key : deleted_) out.push_back(StateWrite{std::move(key), std::nullopt});
    deleted_.clear();
    for (std::string& key : changed_) {
      auto it = map_.find(key);
      if (it == map_.end() || !it->second.changed) continue;  // erased since, or listed twice
      it->second.changed = false;
      std::string value;
      encode(it->second.entry, value);
      out.push_back(StateWrite{std::move(key), std::move(value)});
    }
    changed_.clear();
  }

  void mark_all_changed() {
    changed_.clear();
    for (auto& [key, slot] : map_) {
      slot.changed = true;
      changed_.push_back(key);
    }
  }

  size_t size() const { return map_.size(); }

  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (const auto& [key, slot] : map_) visit(key, slot.entry);
  }

 private:
  struct Slot {
    Entry entry{};
    bool changed = false;
    bool fresh = true;
  };

  std::unordered_map<std::string, Slot, StringHash, std::equal_to<>> map_;
  std::vector<std::string> changed_;
  std::vector<std::string> deleted_;
};

}  // namespace caudal::pipeline
