// Arena: the bump allocator behind one EventBatch. Every string, array and object of the
// batch's events lives in it, so building an event costs pointer bumps, not mallocs, and a
// batch is released in one step (reset) when the pipeline is done with it.
//
// Not thread-safe: a batch and its arena belong to the one pipeline task that fills them.
// Memory is kept until destruction (reset() keeps its blocks for reuse, outsized ones aside);
// only trivially destructible data may live here (Value, Member and raw bytes are).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace caudal::pipeline {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // `size` bytes aligned to `align` (a power of two <= 16), valid until reset().
  void* allocate(size_t size, size_t align = alignof(std::max_align_t)) {
    uintptr_t at = (reinterpret_cast<uintptr_t>(cursor_) + (align - 1)) & ~(uintptr_t{align} - 1);
    if (at + size > reinterpret_cast<uintptr_t>(end_)) [[unlikely]] return allocate_slow(size, align);
    cursor_ = reinterpret_cast<char*>(at + size);
    return reinterpret_cast<void*>(at);
  }

  template <typename T>
  T* allocate_array(size_t count) {
    return static_cast<T*>(allocate(sizeof(T) * count, alignof(T)));
  }

  // A copy of `text` owned by the arena. Inline: parsing copies every key and string.
  std::string_view copy(std::string_view text) {
    if (text.empty()) return {};
    char* to = static_cast<char*>(allocate(text.size(), 1));
    __builtin_memcpy(to, text.data(), text.size());
    return {to, text.size()};
  }

  // A copy of `text` followed by `padding` spaces, for parsers that read past the end of a
  // document (simdjson): what they find there is whitespace, never stale bytes that could
  // look like JSON. The padding is allocated too.
  std::string_view copy_padded(std::string_view text, size_t padding);

  // Forgets every allocation but keeps the blocks (except outsized ones), so a reused batch
  // allocates nothing once it has seen its usual load.
  void reset();

  // Bytes handed out since the last reset (for metrics and tests).
  size_t bytes_used() const { return used_before_current_ + (cursor_ - block_start_); }

 private:
  void* allocate_slow(size_t size, size_t align);
  void use_block(size_t index);

  static constexpr size_t kBlockSize = 64 * 1024;
  static constexpr size_t kLargestKept = 1024 * 1024;

  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<size_t> block_sizes_;
  size_t current_ = 0;  // index of the block in use
  char* block_start_ = nullptr;
  char* cursor_ = nullptr;
  char* end_ = nullptr;
  size_t used_before_current_ = 0;
};

}  // namespace caudal::pipeline
