// Projection: the top-level fields of its events that a pipeline reads or writes, so that
// events can be decoded with only those (JsonReader walks simdjson's tape past the others).
//
// Why: most pipelines touch a handful of fields of wide events, and building the tree of the
// rest only to write the original bytes out again costs more than the steps themselves. Steps
// and sinks declare what they use when the pipeline is compiled (Step::declare_fields); a step
// that does not know (it writes keys that come from the data, as `parse` without `into`) asks
// for everything, and so does any step that declares nothing.
//
// Safety net: an Event decoded with a projection still keeps its original bytes, and turns into
// a whole one (Event::materialize) before any change that the original bytes plus appended
// members could not express: a change under an original member, or a write to a key outside
// the projection. A read of a key outside the projection is the only thing a projection can get
// wrong, hence the rule that whatever reads must declare.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/event/path.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline {

class Projection {
 public:
  // The empty projection: no field. add_* widen it.
  Projection() = default;

  // Every field: events are decoded whole.
  void add_everything() { everything_ = true; }
  void add_key(std::string_view top_level_key);
  // The top-level key of `path`; a path that does not start with a key asks for everything.
  void add_path(const Path& path);

  bool everything() const { return everything_; }
  // Whether `top_level_key` is decoded (always true for everything()).
  bool contains(std::string_view top_level_key) const {
    return everything_ || slot_of(top_level_key) >= 0;
  }
  // The slot of `top_level_key`: its index in keys(), or -1 when it is not one of them. Events
  // decoded with the projection keep each key's value in its slot (Event::top_level), and
  // expressions bound to the projection read it from there. Called for every member of every
  // event decoded: one bucket of candidates, usually none or one to compare.
  int32_t slot_of(std::string_view top_level_key) const {
    if (keys_.size() > kBucketed) return slot_slowly(top_level_key);
    for (uint64_t candidates = buckets_[bucket(top_level_key)]; candidates != 0;
         candidates &= candidates - 1) {
      const int slot = __builtin_ctzll(candidates);
      if (same_key(keys_[slot], top_level_key)) return slot;
    }
    return -1;
  }
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  static constexpr size_t kBucketed = 64;  // keys indexed in buckets_ (one bit each)
  static size_t bucket(std::string_view key) {
    if (key.empty()) return 0;
    return (key.size() * 7 + static_cast<uint8_t>(key.front()) +
            3 * static_cast<size_t>(static_cast<uint8_t>(key.back()))) &
           (kBuckets - 1);
  }
  int32_t slot_slowly(std::string_view top_level_key) const;

  static constexpr size_t kBuckets = 32;
  bool everything_ = false;
  std::vector<std::string> keys_;
  // By bucket(key): bit i set when keys_[i] falls there (for the first kBucketed keys).
  std::array<uint64_t, kBuckets> buckets_{};
};

}  // namespace caudal::pipeline
