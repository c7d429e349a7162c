// merge_segments: one segment from several, without reading their sources again
// (docs/search.md §Merges). Dictionaries and token lists are merged in sorted order, postings
// and per-document ordinals, token counts and columns are renumbered, and documents an input
// had replaced (its deletes) are left out. Source blocks are taken as they are; only a block
// with documents left out is decoded and compressed again (so merged segments may have blocks
// of fewer than kDocsPerBlock documents). Otherwise the result is what SegmentBuilder would
// build from the same documents (values and fields only left-out documents held are dropped).
// Pure function of immutable segments; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <roaring/roaring.hh>

#include "common/result.h"
#include "index/segment.h"

namespace caudal::index {

struct MergeInput {
  const Segment* segment = nullptr;
  const Roaring* deletes = nullptr;  // documents to leave out
};

// The live documents of `inputs`, in their order, as segment `seq` that replaces `replaces`.
// kCorruptSegment when a source block does not decode.
Result<std::shared_ptr<const Segment>> merge_segments(uint64_t seq,
                                                      const std::vector<MergeInput>& inputs,
                                                      std::vector<uint64_t> replaces);

}  // namespace caudal::index
