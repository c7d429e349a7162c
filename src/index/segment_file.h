// Segment files: how a segment is kept under data_dir/index/<name>/ (docs/search.md §On disk).
//   <seq, 16 hex digits>.seg  = "CIDXSEG2", the segment's seq, its topic positions, the seqs
//   of the segments it replaces (a merge), its documents' metadata (id, timestamp, partition,
//   offset), source blocks (zstd), the fields (field_codec.h: dictionaries, postings, columns),
//   then a CRC-32C of everything before.
// A file is written to <name>.tmp, fsynced, renamed and the directory fsynced, so after a crash
// it is either complete or absent; a .tmp left behind is deleted at the next open. Opening a
// file decodes its fields: nothing is rebuilt from the sources. Files of the first format
// ("CIDXSEG1", no fields) are still read; their fields are rebuilt from the sources.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/result.h"
#include "index/field_codec.h"
#include "index/segment.h"

namespace caudal::index {

struct SegmentFileData {
  uint64_t seq = 0;
  std::map<int32_t, int64_t> next_offsets;
  std::vector<uint64_t> replaces;
  std::vector<DocMeta> docs;
  std::vector<SourceBlock> blocks;
  // Unset for a file of the first format, which has no fields.
  std::optional<SegmentFields> fields;
};

std::string segment_file_name(uint64_t seq);

// Writes `segment` durably as dir/segment_file_name(seq); returns the file's size.
Result<uint64_t> write_segment_file(FileSystem& fs, const std::filesystem::path& dir,
                                    const Segment& segment);

// Reads and checks a segment file. kCorruptSegment (naming the file and what is wrong) for a
// bad magic, CRC or structure; kStorage when it cannot be read.
Result<SegmentFileData> read_segment_file(FileSystem& fs, const std::filesystem::path& path);

}  // namespace caudal::index
