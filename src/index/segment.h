// Segment: an immutable, searchable set of documents (docs/search.md §Segments). Built once by
// SegmentBuilder from documents in arrival order (doc numbers 0..n-1), then only read:
//   - per keyword/text field, a sorted dictionary of whole values with a CRoaring bitmap of
//     the documents holding each (term, terms, prefix, wildcard, exists), and every document's
//     value ordinals (sorting, terms aggregations);
//   - per text field, the analyzed tokens (analyzer.h) with postings (bitmap, and each
//     document's term frequency) and each document's token count, for BM25 and match queries;
//   - per numeric field (long, double, date as epoch millis, boolean as 0/1), a column of the
//     document's first value and a bitmap of the documents that have one;
//   - the source documents, zstd-compressed in blocks of kDocsPerBlock, and per document its
//     _id, timestamp and the topic position (partition, offset) it came from.
// Which documents a later _id replaced is not part of the segment: the Index keeps a deletes
// bitmap beside it (index.h).
//
// Thread-safety: immutable after build, so any number of searches read it at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <roaring/roaring.hh>

#include "common/result.h"
#include "index/mapping.h"

namespace caudal::index {

inline constexpr uint32_t kDocsPerBlock = 128;
// Documents per run of a numeric column's summary (SegmentField::run_min/run_max).
inline constexpr uint32_t kColumnRunDocs = 1024;

struct DocMeta {
  std::string id;
  int64_t timestamp = 0;  // epoch millis
  int32_t partition = 0;
  int64_t offset = 0;
};

struct TokenPostings {
  Roaring docs;
  std::vector<uint32_t> doc_ids;  // ascending
  std::vector<uint32_t> freqs;    // term frequency per doc_ids entry
};

struct SegmentField {
  FieldType type = FieldType::kKeyword;
  Roaring has_value;  // exists
  // Whole values (keyword, text): sorted dictionary, postings per ordinal, and per document
  // its ordinals (ord_starts[d]..ord_starts[d+1] in ords).
  std::vector<std::string> dict;
  std::vector<Roaring> postings;
  std::vector<uint32_t> ord_starts;
  std::vector<uint32_t> ords;
  // Analyzed tokens (text): sorted dictionary and postings; token count per document.
  std::vector<std::string> tokens;
  std::vector<TokenPostings> token_postings;
  std::vector<uint32_t> lengths;
  uint64_t total_length = 0;
  // Numeric columns: the first value per document (valid where has_value).
  std::vector<double> values;
  // Derived from `values` whenever a segment is built or read (never stored), so range
  // filters and sorts skip or take whole runs of documents: per run of kColumnRunDocs
  // documents, the smallest and largest value among those that have one (a run without any
  // has min +inf, max -inf); `dense` when every document has a value.
  std::vector<double> run_min;
  std::vector<double> run_max;
  bool dense = false;

  // The ordinal of `value` in dict, or -1.
  int64_t find_ord(std::string_view value) const;
  int64_t find_token(std::string_view token) const;
  // Computes run_min, run_max and dense for a segment of `doc_count` documents.
  void summarize_column(uint32_t doc_count);
  bool is_text() const { return type == FieldType::kText; }
  bool has_dict() const { return type == FieldType::kText || type == FieldType::kKeyword; }
};

// A compressed run of source documents.
struct SourceBlock {
  uint32_t first_doc = 0;
  uint32_t doc_count = 0;  // 1 to kDocsPerBlock
  std::string compressed;  // zstd frame of the documents, each as varint length + bytes
};

using SegmentFields = std::map<std::string, SegmentField, std::less<>>;

class Segment {
 public:
  // A segment as its file holds it (segment_file.h), fields decoded: nothing is rebuilt.
  static std::shared_ptr<const Segment> restore(uint64_t seq, std::vector<DocMeta> docs,
                                                std::map<int32_t, int64_t> next_offsets,
                                                std::vector<uint64_t> replaces,
                                                SegmentFields fields,
                                                std::vector<SourceBlock> blocks);

  uint64_t seq() const { return seq_; }
  uint32_t doc_count() const { return static_cast<uint32_t>(docs_.size()); }
  const DocMeta& meta(uint32_t doc) const { return docs_[doc]; }
  int64_t min_timestamp() const { return min_timestamp_; }
  int64_t max_timestamp() const { return max_timestamp_; }
  // Per partition of the topic, the offset after the last record this segment holds.
  const std::map<int32_t, int64_t>& next_offsets() const { return next_offsets_; }
  // Segments this one was merged from (their files may be deleted once this one is written).
  const std::vector<uint64_t>& replaces() const { return replaces_; }

  const SegmentField* field(std::string_view name) const;
  const SegmentFields& fields() const { return fields_; }

  // The document's source JSON text. kCorruptSegment when its block does not decompress.
  Result<std::string> source(uint32_t doc) const;
  const std::vector<SourceBlock>& blocks() const { return blocks_; }

  // Rough bytes of memory the segment uses, for `_cat/indices` and budgets.
  uint64_t memory_bytes() const;
  uint64_t source_bytes() const;  // compressed source bytes

 private:
  friend class SegmentBuilder;
  // Takes the documents' metadata and their time range.
  void set_docs(std::vector<DocMeta> docs);

  uint64_t seq_ = 0;
  std::vector<DocMeta> docs_;
  int64_t min_timestamp_ = 0;
  int64_t max_timestamp_ = 0;
  std::map<int32_t, int64_t> next_offsets_;
  std::vector<uint64_t> replaces_;
  SegmentFields fields_;
  std::vector<SourceBlock> blocks_;
};

// Decodes one source block into its documents' texts.
Result<std::vector<std::string>> decode_block(const SourceBlock& block);
// The same into `plain` (the block's text, its storage reused) and `docs` (views into it).
Status decompress_block(const SourceBlock& block, std::string& plain,
                        std::vector<std::string_view>& docs);
// Compresses `docs` as the block of documents first_doc.. (the inverse of decode_block).
SourceBlock encode_block(uint32_t first_doc, std::span<const std::string> docs);
// Appends one document to `plain`, a block's text before compression.
void append_to_block(std::string& plain, std::string_view doc);
// Compresses `plain` (documents as append_to_block wrote them) as the block of `doc_count`
// documents first_doc...
SourceBlock compress_block(uint32_t first_doc, uint32_t doc_count, std::string_view plain);

// Reads source documents and keeps the last block it decoded, so the hits of one search that
// share a block (a top 10 by time mostly does) decompress it once. One per search, one thread;
// a returned view stays valid until the next read.
class SourceReader {
 public:
  // kCorruptSegment when the document's block does not decompress.
  Result<std::string_view> read(const Segment& segment, uint32_t doc);

 private:
  const Segment* segment_ = nullptr;
  size_t block_ = 0;
  std::string plain_;                    // the block decompressed
  std::vector<std::string_view> docs_;  // its documents, in plain_
};

}  // namespace caudal::index
