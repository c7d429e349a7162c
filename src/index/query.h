// Query: the query DSL as a tree, parsed from Elasticsearch's JSON (parse_query) or from
// Lucene query syntax (parse_query_string: `q=` and the query_string query). Field types are
// not known here: execute.h resolves each leaf against the index's mappings.
//
// Supported (docs/search.md §Query DSL): match_all, match_none, match (operator,
// minimum_should_match), match_phrase (slop 0), multi_match (best_fields, fields with ^boost),
// term, terms, range (gt/gte/lt/lte, date math, time_zone), exists, prefix, wildcard, ids,
// bool (must/filter/should/must_not/minimum_should_match), constant_score, query_string.
// Errors are Errc::kParsing with "[line:col] reason", Elasticsearch's wording where it has one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "index/json.h"

namespace caudal::index {

struct Query {
  enum class Kind {
    kMatchAll,
    kMatchNone,
    kMatch,
    kMatchPhrase,
    kTerm,
    kTerms,
    kRange,
    kExists,
    kPrefix,
    kWildcard,
    kIds,
    kBool,
    kConstantScore,
  };
  Kind kind = Kind::kMatchAll;
  std::string field;          // "*": every field (query_string without a field)
  std::vector<Json> values;   // term(s) / ids / prefix / wildcard pattern / match text
  bool operator_and = false;  // match
  std::optional<std::string> minimum_should_match;
  bool case_insensitive = false;
  // range bounds as given (strings for date math, or numbers) and their options
  std::optional<Json> gt, gte, lt, lte;
  std::string time_zone;
  // bool children
  std::vector<Query> must, filter, should, must_not;
  double boost = 1.0;
};

Result<Query> parse_query(const Json& json);

struct QueryStringOptions {
  std::vector<std::string> default_fields;  // empty: every field (`*`)
  bool default_and = false;                 // default_operator AND
};
// Lucene syntax subset: terms, "phrases", field:value, field:"phrase", field:(a b), AND OR NOT
// && || !, +term -term, ( ), wildcards * ?, ranges field:[a TO b] {a TO b} field:>=x, _exists_:f.
Result<Query> parse_query_string(std::string_view text, const QueryStringOptions& options);

}  // namespace caudal::index
