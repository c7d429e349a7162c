#include "index/search.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "index/aggregations.h"
#include "index/doc_scan.h"
#include "index/errc.h"
#include "index/execute.h"
#include "index/hits.h"
#include "index/query.h"

namespace caudal::index {
namespace {

constexpr int64_t kDefaultTrackTotalHits = 10'000;

Status unknown_key(const Json& value, std::string_view key) {
  return Status(Errc::kParsing, fmt::format("{} Unknown key for a {} in [{}].", value.where(),
                                            value.token_name(), key));
}

Result<int64_t> int_param(const UriParams& params, std::string_view name, int64_t fallback) {
  auto it = params.find(name);
  if (it == params.end()) return fallback;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || ptr != it->second.data() + it->second.size()) {
    return Status(
        Errc::kIllegalArgument,
        fmt::format("Failed to parse int parameter [{}] with value [{}]", name, it->second));
  }
  return value;
}

Result<std::chrono::milliseconds> parse_timeout(std::string_view text) {
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') n = n * 10 + (text[i++] - '0');
  const std::string_view unit = text.substr(i);
  if (i > 0 && unit == "ms") return std::chrono::milliseconds(n);
  if (i > 0 && unit == "s") return std::chrono::milliseconds(n * 1000);
  if (i > 0 && unit == "m") return std::chrono::milliseconds(n * 60'000);
  return Status(Errc::kParsing,
                fmt::format("failed to parse setting [timeout] with value [{}] as a time value: "
                            "unit is missing or unrecognized",
                            text));
}

struct Request {
  Query query;
  int64_t from = 0;
  int64_t size = 10;
  std::vector<SortKey> sort;
  bool sorted = false;
  const Json* search_after = nullptr;
  SourceFilter source;
  std::optional<int64_t> track_total_hits = kDefaultTrackTotalHits;  // nullopt: false
  bool exact_total = false;
  const Json* aggs = nullptr;
  std::chrono::milliseconds timeout{0};
  bool track_scores = false;
};

Result<Request> parse_request(const Json& body, const UriParams& params, const SearchLimits& limits,
                              bool count_only) {
  Request r;
  r.timeout = limits.default_timeout;
  if (!body.is_null() && !body.is_object()) {
    return Status(Errc::kParsing, fmt::format("{} request body must be an object", body.where()));
  }
  bool has_query = false;
  for (const auto& [key, value] : body.members()) {
    if (key == "query") {
      CAUDAL_ASSIGN_OR_RETURN(r.query, parse_query(value));
      has_query = true;
    } else if (count_only) {
      return unknown_key(value, key);
    } else if (key == "from") {
      r.from = value.as_int();
    } else if (key == "size") {
      r.size = value.as_int();
    } else if (key == "sort") {
      CAUDAL_ASSIGN_OR_RETURN(r.sort, parse_sort(value));
      r.sorted = true;
    } else if (key == "search_after") {
      r.search_after = &value;
    } else if (key == "_source") {
      CAUDAL_ASSIGN_OR_RETURN(r.source, parse_source_filter(value));
    } else if (key == "track_total_hits") {
      if (value.is_bool()) {
        r.exact_total = value.as_bool();
        if (!value.as_bool()) r.track_total_hits.reset();
      } else {
        r.track_total_hits = value.as_int();
      }
    } else if (key == "aggs" || key == "aggregations") {
      r.aggs = &value;
    } else if (key == "timeout") {
      CAUDAL_ASSIGN_OR_RETURN(r.timeout, parse_timeout(value.as_string()));
    } else if (key == "track_scores") {
      r.track_scores = value.as_bool();
    } else if (key != "explain" && key != "version" && key != "seq_no_primary_term" &&
               key != "stored_fields" && key != "highlight" && key != "docvalue_fields" &&
               key != "fields" && key != "runtime_mappings" && key != "script_fields") {
      return unknown_key(value, key);
    }
  }
  if (auto q = params.find("q"); q != params.end()) {
    QueryStringOptions options;
    if (auto df = params.find("df"); df != params.end())
      options.default_fields.push_back(df->second);
    if (auto op = params.find("default_operator"); op != params.end()) {
      options.default_and = op->second == "AND" || op->second == "and";
    }
    auto parsed = parse_query_string(q->second, options);
    if (!parsed.ok()) return Status(Errc::kParsing, "[1:1] " + parsed.status().message());
    if (has_query) {
      return Status(Errc::kIllegalArgument,
                    "request [_search] cannot have both the q parameter and a query in the body");
    }
    r.query = std::move(*parsed);
  }
  CAUDAL_ASSIGN_OR_RETURN(r.size, int_param(params, "size", r.size));
  CAUDAL_ASSIGN_OR_RETURN(r.from, int_param(params, "from", r.from));
  if (auto sort = params.find("sort"); sort != params.end()) {
    r.sort = parse_sort_param(sort->second);
    r.sorted = true;
  }
  if (auto source = params.find("_source"); source != params.end()) {
    if (source->second == "false" || source->second == "true") {
      r.source.enabled = source->second == "true";
    } else {
      r.source.includes.clear();
      std::string_view rest = source->second;
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        r.source.includes.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    }
  }
  if (auto total = params.find("track_total_hits"); total != params.end()) {
    if (total->second == "true")
      r.exact_total = true;
    else if (total->second == "false")
      r.track_total_hits.reset();
    else {
      CAUDAL_ASSIGN_OR_RETURN(r.track_total_hits,
                              int_param(params, "track_total_hits", kDefaultTrackTotalHits));
    }
  }
  if (auto timeout = params.find("timeout"); timeout != params.end()) {
    CAUDAL_ASSIGN_OR_RETURN(r.timeout, parse_timeout(timeout->second));
  }
  if (r.from < 0) return Status(Errc::kIllegalArgument, "[from] parameter cannot be negative");
  if (r.size < 0)
    return Status(Errc::kIllegalArgument,
                  fmt::format("[size] parameter cannot be negative, found [{}]", r.size));
  if (static_cast<size_t>(r.from + r.size) > limits.max_result_window) {
    return Status(Errc::kIllegalArgument,
                  fmt::format("Result window is too large, from + size must be less than or "
                              "equal to: [{}] but was [{}]. See the scroll api for a more "
                              "efficient way to request large data sets. This limit can be set "
                              "by changing the [index.max_result_window] index level setting.",
                              limits.max_result_window, r.from + r.size));
  }
  if (r.search_after != nullptr && r.from > 0) {
    return Status(Errc::kIllegalArgument,
                  "[from] parameter must be set to 0 when [search_after] is used");
  }
  if (!r.sorted) r.sort = {SortKey{}};
  if (r.search_after != nullptr && !r.sorted) {
    return Status(Errc::kIllegalArgument, "Sort must contain at least one field.");
  }
  return r;
}

Json shards(size_t total) {
  Json out = Json::object();
  out.set("total", Json::integer(static_cast<int64_t>(total)));
  out.set("successful", Json::integer(static_cast<int64_t>(total)));
  out.set("skipped", Json::integer(0));
  out.set("failed", Json::integer(0));
  return out;
}

}  // namespace

Result<Json> run_search(const std::vector<std::shared_ptr<const Snapshot>>& snapshots,
                        const Json& body, const UriParams& params, const SearchLimits& limits,
                        int64_t now_ms, bool count_only) {
  const auto started = std::chrono::steady_clock::now();
  CAUDAL_ASSIGN_OR_RETURN(Request r, parse_request(body, params, limits, count_only));
  const auto deadline = started + r.timeout;
  bool scoring = !count_only && (r.track_scores || !r.sorted);
  for (const SortKey& key : r.sort) scoring |= key.kind == SortKey::Kind::kScore && !count_only;

  std::vector<std::unique_ptr<Executor>> executors;
  AggContext aggs;
  aggs.max_buckets = limits.max_buckets;
  DocSet docs;
  bool timed_out = false;
  uint64_t total = 0;
  std::optional<float> max_score;
  for (const auto& snapshot : snapshots) {
    executors.push_back(std::make_unique<Executor>(*snapshot, now_ms, limits.memory_budget_bytes));
    Executor& executor = *executors.back();
    aggs.executors[snapshot.get()] = &executor;
    for (size_t s = 0; s < snapshot->segments.size(); ++s) {
      if (std::chrono::steady_clock::now() > deadline) {
        timed_out = true;
        break;
      }
      // A query whose every match scores the same needs no score per document.
      const std::optional<float> constant =
          scoring ? executor.constant_score(r.query) : std::nullopt;
      const bool per_doc = scoring && !constant.has_value();
      const float same_score = constant.has_value() ? *constant : 1.0f;
      auto scores = per_doc ? std::make_shared<std::vector<float>>() : nullptr;
      CAUDAL_ASSIGN_OR_RETURN(Roaring matched, executor.run(r.query, s, scores.get()));
      if (matched.isEmpty()) continue;
      total += matched.cardinality();
      if (scores) {
        for_each_doc(matched, [&](uint32_t doc) {
          max_score = max_score ? std::max(*max_score, (*scores)[doc]) : (*scores)[doc];
        });
      } else if (scoring) {
        max_score = max_score ? std::max(*max_score, same_score) : same_score;
      }
      docs.push_back(
          SegmentDocs{snapshot.get(), s, std::move(matched), std::move(scores), same_score});
    }
  }
  if (count_only) {
    Json out = Json::object();
    out.set("count", Json::integer(static_cast<int64_t>(total)));
    out.set("_shards", shards(snapshots.size()));
    return out;
  }
  CAUDAL_ASSIGN_OR_RETURN(
      std::vector<HitRef> picked,
      pick_hits(docs, r.sort, static_cast<size_t>(r.from + r.size), r.search_after));
  Json hits = Json::array();
  SourceReader sources;
  for (size_t i = static_cast<size_t>(r.from); i < picked.size(); ++i) {
    CAUDAL_ASSIGN_OR_RETURN(Json hit,
                            render_hit(docs, picked[i], r.source, r.sorted, scoring, sources));
    hits.push(std::move(hit));
  }
  Json out = Json::object();
  out.set("took", Json::integer(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - started)
                                    .count()));
  out.set("timed_out", Json::boolean(timed_out));
  out.set("_shards", shards(snapshots.size()));
  Json hit_list = Json::object();
  if (r.track_total_hits || r.exact_total) {
    Json value = Json::object();
    const bool capped = !r.exact_total && total > static_cast<uint64_t>(*r.track_total_hits);
    value.set("value", Json::integer(capped ? *r.track_total_hits : static_cast<int64_t>(total)));
    value.set("relation", Json::string(capped ? "gte" : "eq"));
    hit_list.set("total", std::move(value));
  }
  hit_list.set("max_score", scoring && max_score ? Json::number(*max_score) : Json::null());
  hit_list.set("hits", std::move(hits));
  out.set("hits", std::move(hit_list));
  if (r.aggs != nullptr) {
    CAUDAL_ASSIGN_OR_RETURN(Json result, run_aggregations(*r.aggs, docs, aggs));
    out.set("aggregations", std::move(result));
  }
  return out;
}

}  // namespace caudal::index
