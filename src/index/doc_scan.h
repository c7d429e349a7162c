// Walks over the documents of a CRoaring bitmap in batches (one library call per 256
// documents instead of one iterator step each): the loops over every match of a query in
// aggregations, column scans and sorts. Pure functions over a bitmap the caller keeps alive.
#pragma once

#include <cstdint>

#include <roaring/roaring.hh>

namespace caudal::index {

inline constexpr uint32_t kDocScanBatch = 256;

// Calls fn(doc) for each document of `docs` in [begin, end), ascending.
template <typename Fn>
void for_each_doc_in(const Roaring& docs, uint32_t begin, uint64_t end, Fn&& fn) {
  roaring_uint32_iterator_t it;
  roaring_init_iterator(&docs.roaring, &it);
  if (!roaring_move_uint32_iterator_equalorlarger(&it, begin)) return;
  uint32_t batch[kDocScanBatch];
  for (;;) {
    const uint32_t got = roaring_read_uint32_iterator(&it, batch, kDocScanBatch);
    for (uint32_t i = 0; i < got; ++i) {
      if (batch[i] >= end) return;
      fn(batch[i]);
    }
    if (got < kDocScanBatch) return;
  }
}

// Calls fn(doc) for each document of `docs`, ascending.
template <typename Fn>
void for_each_doc(const Roaring& docs, Fn&& fn) {
  for_each_doc_in(docs, 0, uint64_t{1} << 32, fn);
}

}  // namespace caudal::index
