// Aggregations over the documents a search matched (docs/search.md §Aggregations), with
// Elasticsearch's request and response shapes:
//   buckets: terms, date_histogram (calendar_interval, fixed_interval, time_zone,
//            min_doc_count), histogram, range, filters; each may nest sub-aggregations;
//   metrics: avg, sum, min, max, value_count, cardinality (exact), stats, percentiles (exact,
//            linear interpolation between ranks; Elasticsearch's TDigest is approximate),
//            top_hits.
// Bucket counts are charged against max_buckets (search.max_buckets, 65,536 by default) and
// fail with too_many_buckets_exception beyond it.
#pragma once

#include <chrono>
#include <map>

#include "common/result.h"
#include "index/execute.h"
#include "index/hits.h"
#include "index/json.h"

namespace caudal::index {

struct AggContext {
  std::map<const Snapshot*, Executor*> executors;  // for filters aggregations
  size_t max_buckets = 65536;
  size_t buckets = 0;
};

// `spec` is the request's "aggs" object (name -> aggregation); the result is the response's
// "aggregations" object. Errors: kParsing (with position), kTooManyBuckets, kIllegalArgument.
Result<Json> run_aggregations(const Json& spec, const DocSet& docs, AggContext& context);

}  // namespace caudal::index
