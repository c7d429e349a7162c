#include "pipeline/event/arena.h"

#include <algorithm>
#include <cstring>

namespace caudal::pipeline {

void* Arena::allocate_slow(size_t size, size_t align) {
  used_before_current_ += cursor_ - block_start_;
  // The blocks reset() kept come first, in order: a reused batch then allocates nothing
  // (no malloc, no fresh pages for the kernel to zero) once it has seen its usual load.
  while (current_ + 1 < blocks_.size()) {
    ++current_;
    if (block_sizes_[current_] >= size + align) {
      use_block(current_);
      return allocate(size, align);
    }
  }
  // Large requests get a block of their own, so one big event does not waste a whole block's
  // tail per allocation afterwards.
  size_t block_size = std::max(kBlockSize, size + align);
  blocks_.push_back(std::unique_ptr<char[]>(new char[block_size]));
  block_sizes_.push_back(block_size);
  current_ = blocks_.size() - 1;
  use_block(current_);
  return allocate(size, align);
}

void Arena::use_block(size_t index) {
  block_start_ = blocks_[index].get();
  cursor_ = block_start_;
  end_ = block_start_ + block_sizes_[index];
}

std::string_view Arena::copy_padded(std::string_view text, size_t padding) {
  char* to = static_cast<char*>(allocate(text.size() + padding, 1));
  if (!text.empty()) std::memcpy(to, text.data(), text.size());
  std::memset(to + text.size(), ' ', padding);
  return {to, text.size()};
}

void Arena::reset() {
  if (blocks_.empty()) return;
  // Blocks made for one outsized request are not worth keeping for every later batch.
  size_t kept = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (i > 0 && block_sizes_[i] > kLargestKept) continue;
    blocks_[kept] = std::move(blocks_[i]);
    block_sizes_[kept] = block_sizes_[i];
    ++kept;
  }
  blocks_.resize(kept);
  block_sizes_.resize(kept);
  current_ = 0;
  use_block(0);
  used_before_current_ = 0;
}

}  // namespace caudal::pipeline
