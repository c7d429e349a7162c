// Hits: picking and rendering the documents a search returns, shared by the search itself and
// the top_hits aggregation. Sorting follows Elasticsearch: `_score` (descending by default),
// `_doc`, or fields (ascending by default; keyword and text fields by their whole value,
// numbers and dates by value; documents without a value last unless `missing: _first`); ties
// keep index order (segment, then document). A field's sort value is its smallest value
// ascending, largest descending, as Elasticsearch's default `mode`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <roaring/roaring.hh>

#include "common/result.h"
#include "index/index.h"
#include "index/json.h"

namespace caudal::index {

// The matching documents of one segment of one index.
struct SegmentDocs {
  const Snapshot* snapshot = nullptr;
  size_t segment = 0;
  Roaring docs;
  // Per document of the segment; null when not scored, or when every match scores the same.
  // Shared by the buckets of aggregations.
  std::shared_ptr<const std::vector<float>> scores;
  // The score of every document when `scores` is null.
  float constant_score = 1.0f;
};
using DocSet = std::vector<SegmentDocs>;

struct SortKey {
  enum class Kind { kScore, kDoc, kField } kind = Kind::kScore;
  std::string field;
  bool descending = true;
  bool missing_first = false;
};

Result<std::vector<SortKey>> parse_sort(const Json& sort);
// URI form: `field`, `field:desc`, comma-separated.
std::vector<SortKey> parse_sort_param(std::string_view text);

struct SourceFilter {
  bool enabled = true;
  std::vector<std::string> includes, excludes;  // patterns with *
};
Result<SourceFilter> parse_source_filter(const Json& source);

struct SortValue {
  bool missing = true;
  bool is_string = false;
  double number = 0;
  std::string text;
};

struct HitRef {
  size_t set = 0;  // index into the DocSet
  uint32_t doc = 0;
  float score = 0;
  std::vector<SortValue> sort;
};

// The first `k` hits of `docs` in `sort` order, after `search_after` (sort values) if given.
Result<std::vector<HitRef>> pick_hits(const DocSet& docs, const std::vector<SortKey>& sort,
                                      size_t k, const Json* search_after);

// One entry of hits.hits: _index, _id, _score, _source (filtered, read through `sources`),
// sort.
Result<Json> render_hit(const DocSet& docs, const HitRef& hit, const SourceFilter& filter,
                        bool with_sort, bool with_score, SourceReader& sources);

}  // namespace caudal::index
