// Executor: runs a Query over the segments of one index snapshot, segment by segment: which
// live documents match (CRoaring bitmaps; replaced documents removed) and, when asked, their
// BM25 scores (k1 1.2, b 0.75, statistics over the whole snapshot, Lucene 8+'s formula
// idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)); keyword terms score idf / (1 + k1)).
// Filters (range, exists, terms, prefix, wildcard, ids, constant_score) score their boost.
//
// Field semantics follow the mapping: match on a text field analyzes the query, on other
// fields it is a term; term on a text field looks up one token unanalyzed, on `f.keyword` or a
// keyword field the whole value; numeric and date fields compare column values (dates through
// date math). A field the index has never seen matches nothing.
//
// One executor per search, one thread. It charges its allocations against `budget` bytes and
// fails with kMemoryBudget beyond it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <roaring/roaring.hh>

#include "common/result.h"
#include "index/index.h"
#include "index/query.h"

namespace caudal::index {

class Executor {
 public:
  Executor(const Snapshot& snapshot, int64_t now_ms, uint64_t budget_bytes);

  // The live documents of segment `s` that match; `scores` (when not null) is resized to the
  // segment's document count and holds each match's score.
  Result<Roaring> run(const Query& query, size_t s, std::vector<float>* scores);

  // The score every match of `query` gets when that does not depend on the document (filters
  // such as range, exists, terms, a term on a numeric field, a bool of filters only); nullopt
  // when scores must be computed per document.
  std::optional<float> constant_score(const Query& query) const;

  // Charges `bytes` against the budget (aggregations use it too).
  Status charge(uint64_t bytes);
  const Snapshot& snapshot() const { return snapshot_; }
  int64_t now_ms() const { return now_ms_; }

 private:
  struct FieldStats {
    double docs = 0;
    double avg_length = 1;
  };
  Result<Roaring> eval(const Query& q, size_t s, std::vector<float>* scores);
  Result<Roaring> eval_field(const Query& q, const std::string& field, size_t s,
                             std::vector<float>* scores);
  Result<Roaring> eval_bool(const Query& q, size_t s, std::vector<float>* scores);
  Result<Roaring> match_tokens(const Query& q, const std::string& field, size_t s,
                               std::vector<float>* scores);
  Result<Roaring> match_phrase(const std::string& field, const std::vector<std::string>& tokens,
                               size_t s, std::vector<float>* scores, double boost);
  Result<Roaring> term(const std::string& field, FieldType type, const Json& value, size_t s,
                       std::vector<float>* scores, double boost, bool case_insensitive);
  Result<Roaring> range(const Query& q, const std::string& field, FieldType type, size_t s);
  Roaring pattern(const std::string& field, FieldType type, const std::string& pattern, bool prefix,
                  bool case_insensitive, size_t s);
  const FieldStats& field_stats(const std::string& field);
  double idf(const std::string& field, const std::string& token, bool exact);
  Roaring all_docs(size_t s) const;

  const Snapshot& snapshot_;
  int64_t now_ms_;
  uint64_t budget_;
  uint64_t used_ = 0;
  std::map<std::string, FieldStats> field_stats_;
  std::map<std::string, double> idf_cache_;
};

// Elasticsearch's minimum_should_match: "2", "-1", "75%", "-25%" of `optional` clauses.
size_t minimum_should_match(const std::string& spec, size_t optional);

// Glob match with * and ?.
bool wildcard_match(std::string_view pattern, std::string_view text);

}  // namespace caudal::index
