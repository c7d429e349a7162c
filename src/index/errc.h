// Error codes of the index module. See common/errc.h for the pattern; index/api/es_error.cc is
// the one mapping of these codes to Elasticsearch error types and HTTP statuses.
#pragma once

#include <system_error>

namespace caudal::index {

enum class Errc {
  kParsing = 1,      // a request body or query that does not parse (parsing_exception)
  kIllegalArgument,  // a request that parses but cannot be served (illegal_argument_exception)
  kIndexNotFound,    // no index of that name (index_not_found_exception)
  kTooManyBuckets,   // an aggregation over search.max_buckets (too_many_buckets_exception)
  kMemoryBudget,     // a query over its memory budget (circuit_breaking_exception)
  kCorruptSegment,   // a segment file that does not decode; the message names the file
  kStorage,          // the file system refused a read or write
};

const std::error_category& error_category();

inline std::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), error_category()};
}

}  // namespace caudal::index

template <>
struct std::is_error_code_enum<caudal::index::Errc> : std::true_type {};
