#include "pipeline/event/arena.h"

#include <algorithm>
#include <cstring>

namespace caudal::pipeline {

void* Arena::allocate_slow(size_t size, size_t align) {
  used_before_current_ += cursor_ - block_start_;
  // Large requests get a block of their own, so one big event does not waste a whole block's
  // tail per allocation afterwards.
  size_t block_size = std::max(kBlockSize, size + align);
  blocks_.push_back(std::make_unique<char[]>(block_size));
  block_sizes_.push_back(block_size);
  block_start_ = blocks_.back().get();
  cursor_ = block_start_;
  end_ = block_start_ + block_size;
  return allocate(size, align);
}

std::string_view Arena::copy_padded(std::string_view text, size_t padding) {
  char* to = static_cast<char*>(allocate(text.size() + padding, 1));
  if (!text.empty()) std::memcpy(to, text.data(), text.size());
  std::memset(to + text.size(), ' ', padding);
  return {to, text.size()};
}

void Arena::reset() {
  if (blocks_.empty()) return;
  blocks_.resize(1);
  block_sizes_.resize(1);
  block_start_ = blocks_.front().get();
  cursor_ = block_start_;
  end_ = block_start_ + block_sizes_.front();
  used_before_current_ = 0;
}

}  // namespace caudal::pipeline
