// The searchable part of a segment on disk (docs/search.md §Storage): every field's dictionary
// and postings, token postings with term frequencies, token counts and numeric columns, so a
// segment file opens without parsing its sources again. The encoding is one zstd frame:
//   field count, then per field (in name order): name, type, the `has_value` bitmap, the whole
//   values (count, each value, each value's bitmap), the per-document ordinals (start deltas,
//   ordinals), the tokens (count, each token, its documents as deltas and frequencies), the
//   token counts per document, and the numeric column (IEEE doubles, big-endian).
// Bitmaps are CRoaring's portable format, each prefixed by its length.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "index/segment.h"

namespace caudal::index {

std::string encode_fields(const SegmentFields& fields);

// Decodes and checks what encode_fields wrote for a segment of `doc_count` documents: every
// ordinal, document number and size is within range, so a damaged file is refused here with
// kCorruptSegment naming the field, and never read out of bounds later.
Result<SegmentFields> decode_fields(ByteView encoded, uint32_t doc_count);

}  // namespace caudal::index
