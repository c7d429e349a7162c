#include "pipeline/event/projection.h"

#include <algorithm>

namespace caudal::pipeline {

void Projection::add_key(std::string_view top_level_key) {
  if (std::find(keys_.begin(), keys_.end(), top_level_key) == keys_.end()) {
    keys_.emplace_back(top_level_key);
  }
}

void Projection::add_path(const Path& path) {
  if (path.segments().empty() || path.segments()[0].is_index) {
    add_everything();
    return;
  }
  add_key(path.segments()[0].key);
}

}  // namespace caudal::pipeline
