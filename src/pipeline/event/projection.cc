#include "pipeline/event/projection.h"

#include <algorithm>

namespace caudal::pipeline {

void Projection::add_key(std::string_view top_level_key) {
  if (std::find(keys_.begin(), keys_.end(), top_level_key) != keys_.end()) return;
  if (keys_.size() < kBucketed) buckets_[bucket(top_level_key)] |= uint64_t{1} << keys_.size();
  keys_.emplace_back(top_level_key);
}

int32_t Projection::slot_slowly(std::string_view top_level_key) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (same_key(keys_[i], top_level_key)) return static_cast<int32_t>(i);
  }
  return -1;
}

void Projection::add_path(const Path& path) {
  if (path.segments().empty() || path.segments()[0].is_index) {
    add_everything();
    return;
  }
  add_key(path.segments()[0].key);
}

}  // namespace caudal::pipeline
