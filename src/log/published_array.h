// PublishedArray<T>: an append-only array with one writer and any number of lock-free readers,
// the in-memory form of a segment's indexes.
//
// The writer fills a slot, then publishes it by storing the new size with release order; a
// reader loads the size with acquire order and may read every slot below it. Slots live in
// fixed chunks that never move, so a reader never sees a reallocation. Only slots that were
// never published may be rewritten (truncate() below the published size is allowed only while
// no reader can exist, i.e. during recovery).
//
// Thread-safety: push_back/truncate from one thread at a time (the caller serializes writers);
// size()/operator[] from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>

#include "common/check.h"

namespace caudal::log {

template <typename T>
class PublishedArray {
 public:
  static constexpr size_t kChunkSize = 1024;
  static constexpr size_t kMaxChunks = 512;
  static constexpr size_t kCapacity = kChunkSize * kMaxChunks;

  PublishedArray() = default;
  PublishedArray(const PublishedArray&) = delete;
  PublishedArray& operator=(const PublishedArray&) = delete;

  size_t size() const { return size_.load(std::memory_order_acquire); }
  bool full() const { return size_.load(std::memory_order_relaxed) == kCapacity; }

  // Precondition: i < a size() this thread has loaded.
  const T& operator[](size_t i) const { return chunks_[i / kChunkSize][i % kChunkSize]; }

  // Precondition: !full().
  void push_back(const T& value) {
    size_t n = size_.load(std::memory_order_relaxed);
    CAUDAL_CHECK(n < kCapacity, "published array is full");
    auto& chunk = chunks_[n / kChunkSize];
    if (!chunk) chunk = std::make_unique<T[]>(kChunkSize);
    chunk[n % kChunkSize] = value;
    size_.store(n + 1, std::memory_order_release);
  }

  // Forgets slots at and after n. Only while no reader exists (see the file comment).
  void truncate(size_t n) {
    if (n < size_.load(std::memory_order_relaxed)) size_.store(n, std::memory_order_release);
  }

 private:
  std::array<std::unique_ptr<T[]>, kMaxChunks> chunks_;
  std::atomic<size_t> size_{0};
};

}  // namespace caudal::log
