// SegmentBuilder: turns documents into an immutable Segment (segment.h). Documents are added
// in arrival order; add() infers new fields' types into the index's Mappings as it meets them.
// One owner, one thread; the Mappings passed in must not be used elsewhere meanwhile.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "index/json.h"
#include "index/mapping.h"
#include "index/segment.h"
#include "index/term_table.h"

namespace caudal::index {

class SegmentBuilder {
 public:
  explicit SegmentBuilder(Mappings& mappings);

  // Indexes `source` (a JSON object) as the next document; `raw` is its text as stored.
  void add(DocMeta meta, const Json& source, std::string_view raw);
  // Records that the segment holds `partition`'s records below `next_offset`.
  void note_position(int32_t partition, int64_t next_offset);
  void set_replaces(std::vector<uint64_t> replaces) { replaces_ = std::move(replaces); }
  uint32_t doc_count() const { return static_cast<uint32_t>(metas_.size()); }
  // Bytes of source text added so far.
  uint64_t source_bytes() const { return source_bytes_; }

  // Builds the segment numbered `seq` (numbers order segments by age: given when the segment is
  // built, not when its first document came). With `blocks` (a segment read back from its
  // file), the source blocks are taken as they are instead of compressing the documents again.
  std::shared_ptr<const Segment> build(uint64_t seq, std::vector<SourceBlock> blocks = {});

 private:
  // Postings are appended to flat lists in document order; build() sorts terms into ordinals
  // and derives each one's documents with a counting sort (no list per term meanwhile).
  struct FieldBuild {
    FieldType type;
    TermTable values;                                       // whole values
    std::vector<std::pair<uint32_t, uint32_t>> doc_values;  // doc, value number
    TermTable tokens;                                       // analyzed tokens
    std::vector<std::pair<uint32_t, uint32_t>> doc_tokens;  // doc, token number; repeats kept
    std::vector<std::pair<uint32_t, uint32_t>> lengths;     // doc, token count
    std::vector<std::pair<uint32_t, double>> numbers;       // doc, first value
  };
  // What the builder knows of one field name met in documents, so a value costs one lookup
  // of its name (interned in names_) instead of several of the mappings and fields_.
  struct FieldSlot {
    std::optional<FieldType> type;  // once the mappings have one
    FieldBuild* build = nullptr;    // once a value was indexed
  };
  FieldSlot& slot(std::string_view name);
  void index_value(FieldSlot& slot, std::string_view name, const Json& value, uint32_t doc);
  void index_object(std::string_view prefix, const Json& object, uint32_t doc, int depth);

  Mappings& mappings_;
  std::vector<DocMeta> metas_;
  // Sources are compressed a block at a time as documents arrive: the open block's text, and
  // the blocks done.
  std::string open_block_;
  std::vector<SourceBlock> blocks_;
  uint64_t source_bytes_ = 0;
  std::map<int32_t, int64_t> next_offsets_;
  std::vector<uint64_t> replaces_;
  std::unordered_map<std::string, FieldBuild> fields_;  // nodes: FieldSlot::build stays valid
  TermTable names_;
  std::deque<FieldSlot> slots_;  // by number in names_; a deque, as nested objects add slots
                                 // while an outer one's is in use
};

// A value of a field in a document, for phrase checks and top_hits: every scalar reachable by
// the dotted `path` (arrays contribute each element).
void collect_values(const Json& source, std::string_view path, std::vector<const Json*>& out);

}  // namespace caudal::index
