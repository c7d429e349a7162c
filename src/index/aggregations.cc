#include "index/aggregations.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "index/date.h"
#include "index/doc_scan.h"
#include "index/errc.h"

namespace caudal::index {
namespace {

Status parsing(const Json& at, std::string_view reason) {
  return Status(Errc::kParsing, fmt::format("{} {}", at.where(), reason));
}

// A bucket's documents: one bitmap per set of the parent DocSet.
DocSet subset(const DocSet& parent, std::vector<Roaring> per_set) {
  DocSet out;
  out.reserve(parent.size());
  for (size_t i = 0; i < parent.size(); ++i) {
    out.push_back(SegmentDocs{parent[i].snapshot, parent[i].segment, std::move(per_set[i]),
                              parent[i].scores, parent[i].constant_score});
  }
  return out;
}

uint64_t doc_count(const DocSet& docs) {
  uint64_t n = 0;
  for (const SegmentDocs& set : docs) n += set.docs.cardinality();
  return n;
}

std::optional<FieldType> type_in(const DocSet& docs, const std::string& field) {
  for (const SegmentDocs& set : docs) {
    if (auto type = set.snapshot->mappings.type_of(field)) return type;
  }
  return std::nullopt;
}

const SegmentField* field_in(const SegmentDocs& set, const std::string& field) {
  if (!set.snapshot->mappings.type_of(field)) return nullptr;
  return set.snapshot->segments[set.segment].segment->field(set.snapshot->mappings.resolve(field));
}

template <typename Fn>
void for_each_number(const DocSet& docs, const std::string& field, Fn&& fn) {
  for (size_t s = 0; s < docs.size(); ++s) {
    const SegmentField* f = field_in(docs[s], field);
    if (f == nullptr || f->values.empty()) continue;
    if (f->dense) {
      for_each_doc(docs[s].docs, [&](uint32_t doc) { fn(s, doc, f->values[doc]); });
    } else {
      for_each_doc(docs[s].docs & f->has_value, [&](uint32_t doc) { fn(s, doc, f->values[doc]); });
    }
  }
}

template <typename Fn>
void for_each_keyword(const DocSet& docs, const std::string& field, Fn&& fn) {
  for (size_t s = 0; s < docs.size(); ++s) {
    const SegmentField* f = field_in(docs[s], field);
    if (f == nullptr || !f->has_dict() || f->ord_starts.empty()) continue;
    for_each_doc(docs[s].docs, [&](uint32_t doc) {
      for (uint32_t i = f->ord_starts[doc]; i < f->ord_starts[doc + 1]; ++i) {
        fn(s, doc, f->dict[f->ords[i]]);
      }
    });
  }
}

Result<std::string> field_of(const Json& body, std::string_view agg) {
  const Json* field = body.find("field");
  if (field == nullptr || !field->is_string()) {
    return parsing(
        body,
        fmt::format("Required one of fields [field, script], but none were specified. [{}]", agg));
  }
  return field->as_string();
}

Json number_or_null(std::optional<double> value) {
  return value ? Json::number(*value) : Json::null();
}

void add_as_string(Json& out, FieldType type, std::optional<double> value, std::string_view key) {
  if (type == FieldType::kDate && value) {
    out.set(std::string(key), Json::string(format_iso_date(static_cast<int64_t>(*value))));
  }
}

Status charge_buckets(AggContext& context, size_t count) {
  context.buckets += count;
  if (context.buckets > context.max_buckets) {
    return Status(Errc::kTooManyBuckets,
                  fmt::format("Trying to create too many buckets. Must be less than or equal to: "
                              "[{}] but this number of buckets was exceeded. This limit can be "
                              "set by changing the [search.max_buckets] cluster level setting.",
                              context.max_buckets));
  }
  return Status();
}

Result<Json> run_one(const std::string& name, const Json& spec, const DocSet& docs,
                     AggContext& context);

// The sub-aggregations of a bucket, added to `bucket`.
Status sub_aggs(const Json* subs, const DocSet& docs, AggContext& context, Json& bucket) {
  if (subs == nullptr) return Status();
  if (!subs->is_object()) return parsing(*subs, "Expected [START_OBJECT] under [aggs]");
  for (const auto& [name, spec] : subs->members()) {
    CAUDAL_ASSIGN_OR_RETURN(Json result, run_one(name, spec, docs, context));
    bucket.set(name, std::move(result));
  }
  return Status();
}

Result<Json> metric(std::string_view type, const Json& body, const DocSet& docs) {
  CAUDAL_ASSIGN_OR_RETURN(std::string field, field_of(body, type));
  const std::optional<FieldType> ftype = type_in(docs, field);
  Json out = Json::object();
  if (type == "value_count" || type == "cardinality") {
    uint64_t count = 0;
    std::set<std::string> distinct_text;
    std::set<double> distinct_numbers;
    if (ftype && (*ftype == FieldType::kText || *ftype == FieldType::kKeyword)) {
      for_each_keyword(docs, field, [&](size_t, uint32_t, const std::string& v) {
        ++count;
        if (type == "cardinality") distinct_text.insert(v);
      });
    } else {
      for_each_number(docs, field, [&](size_t, uint32_t, double v) {
        ++count;
        if (type == "cardinality") distinct_numbers.insert(v);
      });
    }
    out.set("value",
            Json::integer(static_cast<int64_t>(
                type == "value_count" ? count : distinct_text.size() + distinct_numbers.size())));
    return out;
  }
  std::vector<double> values;
  double sum = 0;
  std::optional<double> min, max;
  for_each_number(docs, field, [&](size_t, uint32_t, double v) {
    sum += v;
    min = min ? std::min(*min, v) : v;
    max = max ? std::max(*max, v) : v;
    if (type == "percentiles")
      values.push_back(v);
    else
      values.push_back(0);  // only the count matters
  });
  const FieldType t = ftype.value_or(FieldType::kDouble);
  std::optional<double> avg;
  if (!values.empty()) avg.emplace(sum / static_cast<double>(values.size()));
  if (type == "avg") {
    out.set("value", number_or_null(avg));
    add_as_string(out, t, avg, "value_as_string");
  } else if (type == "sum") {
    out.set("value", Json::number(sum));
  } else if (type == "min" || type == "max") {
    const std::optional<double> v = type == "min" ? min : max;
    out.set("value", number_or_null(v));
    add_as_string(out, t, v, "value_as_string");
  } else if (type == "stats") {
    out.set("count", Json::integer(static_cast<int64_t>(values.size())));
    out.set("min", number_or_null(min));
    out.set("max", number_or_null(max));
    out.set("avg", number_or_null(avg));
    out.set("sum", Json::number(sum));
    add_as_string(out, t, min, "min_as_string");
    add_as_string(out, t, max, "max_as_string");
    add_as_string(out, t, avg, "avg_as_string");
  } else {  // percentiles
    std::vector<double> percents = {1, 5, 25, 50, 75, 95, 99};
    if (const Json* given = body.find("percents")) {
      percents.clear();
      for (const Json& p : given->items()) percents.push_back(p.as_double());
    }
    std::sort(values.begin(), values.end());
    Json result = Json::object();
    for (double p : percents) {
      std::optional<double> v;
      if (!values.empty()) {
        const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
        const size_t low = static_cast<size_t>(std::floor(rank));
        const size_t high = std::min(values.size() - 1, low + 1);
        v = values[low] + (values[high] - values[low]) * (rank - static_cast<double>(low));
      }
      result.set(fmt::format("{:.1f}", p), number_or_null(v));
    }
    out.set("values", std::move(result));
  }
  return out;
}

Result<Json> top_hits(const Json& body, const DocSet& docs) {
  size_t size = 3;
  if (const Json* s = body.find("size"))
    size = static_cast<size_t>(std::max<int64_t>(0, s->as_int()));
  size_t from = 0;
  if (const Json* f = body.find("from"))
    from = static_cast<size_t>(std::max<int64_t>(0, f->as_int()));
  std::vector<SortKey> sort = {SortKey{}};
  bool custom_sort = false;
  if (const Json* s = body.find("sort")) {
    CAUDAL_ASSIGN_OR_RETURN(sort, parse_sort(*s));
    custom_sort = true;
  }
  SourceFilter filter;
  if (const Json* source = body.find("_source")) {
    CAUDAL_ASSIGN_OR_RETURN(filter, parse_source_filter(*source));
  }
  CAUDAL_ASSIGN_OR_RETURN(std::vector<HitRef> hits, pick_hits(docs, sort, from + size, nullptr));
  Json list = Json::array();
  std::optional<double> max_score;
  SourceReader sources;
  for (size_t i = from; i < hits.size(); ++i) {
    CAUDAL_ASSIGN_OR_RETURN(Json hit, render_hit(docs, hits[i], filter, custom_sort, !custom_sort,
                                                 sources));
    if (!custom_sort)
      max_score = max_score ? std::max<double>(*max_score, hits[i].score) : hits[i].score;
    list.push(std::move(hit));
  }
  Json total = Json::object();
  total.set("value", Json::integer(static_cast<int64_t>(doc_count(docs))));
  total.set("relation", Json::string("eq"));
  Json inner = Json::object();
  inner.set("total", std::move(total));
  inner.set("max_score", number_or_null(max_score));
  inner.set("hits", std::move(list));
  Json out = Json::object();
  out.set("hits", std::move(inner));
  return out;
}

struct Bucket {
  Json key;
  std::optional<std::string> key_as_string;
  std::vector<Roaring> docs;  // per set
  uint64_t count = 0;
};

Result<Json> terms(const Json& body, const Json* subs, const DocSet& docs, AggContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(std::string field, field_of(body, "terms"));
  int64_t size = 10, min_doc_count = 1;
  if (const Json* s = body.find("size")) size = s->as_int();
  if (const Json* m = body.find("min_doc_count")) min_doc_count = m->as_int();
  if (size < 1)
    return parsing(*body.find("size"), "[size] must be greater than 0. Found [0] in [terms]");
  std::string order_by = "_count";
  bool descending = true;
  if (const Json* order = body.find("order")) {
    const Json& first = order->is_array() && !order->items().empty() ? order->items()[0] : *order;
    if (!first.is_object() || first.members().empty()) return parsing(*order, "[order] malformed");
    order_by = first.members()[0].first;
    descending = first.members()[0].second.as_string() == "desc";
    if (order_by == "_term") order_by = "_key";
  }
  const std::optional<FieldType> type = type_in(docs, field);
  std::map<std::string, Bucket> by_text;
  std::map<double, Bucket> by_number;
  const bool keep_docs = subs != nullptr;
  auto touch = [&](Bucket& b, size_t s, uint32_t doc) {
    if (keep_docs) {
      if (b.docs.empty()) b.docs.resize(docs.size());
      b.docs[s].add(doc);
    }
    ++b.count;
  };
  if (type && (*type == FieldType::kText || *type == FieldType::kKeyword)) {
    // Counted by ordinal, then named: one lookup by value per distinct value of a segment,
    // not one per document.
    for (size_t s = 0; s < docs.size(); ++s) {
      const SegmentField* f = field_in(docs[s], field);
      if (f == nullptr || !f->has_dict() || f->ord_starts.empty()) continue;
      std::vector<uint32_t> counts(f->dict.size(), 0);
      std::vector<std::vector<uint32_t>> ord_docs(keep_docs ? f->dict.size() : 0);
      for_each_doc(docs[s].docs, [&](uint32_t doc) {
        for (uint32_t i = f->ord_starts[doc]; i < f->ord_starts[doc + 1]; ++i) {
          ++counts[f->ords[i]];
          if (keep_docs) ord_docs[f->ords[i]].push_back(doc);
        }
      });
      for (size_t ord = 0; ord < counts.size(); ++ord) {
        if (counts[ord] == 0) continue;
        Bucket& b = by_text[f->dict[ord]];
        b.count += counts[ord];
        if (keep_docs) {
          if (b.docs.empty()) b.docs.resize(docs.size());
          b.docs[s].addMany(ord_docs[ord].size(), ord_docs[ord].data());
        }
      }
    }
  } else if (type) {
    for_each_number(docs, field,
                    [&](size_t s, uint32_t doc, double v) { touch(by_number[v], s, doc); });
  }
  std::vector<Bucket> buckets;
  for (auto& [key, b] : by_text) {
    b.key = Json::string(key);
    buckets.push_back(std::move(b));
  }
  for (auto& [key, b] : by_number) {
    if (type == FieldType::kDouble) {
      b.key = Json::number(key);
    } else {
      b.key = Json::integer(static_cast<int64_t>(key));
    }
    if (type == FieldType::kDate) b.key_as_string = format_iso_date(static_cast<int64_t>(key));
    if (type == FieldType::kBoolean) b.key_as_string = key != 0 ? "true" : "false";
    buckets.push_back(std::move(b));
  }
  std::erase_if(buckets,
                [&](const Bucket& b) { return static_cast<int64_t>(b.count) < min_doc_count; });
  uint64_t total = 0;
  for (const Bucket& b : buckets) total += b.count;
  // Ordering by a sub-aggregation needs its value for every bucket first.
  std::vector<Json> rendered(buckets.size());
  const bool by_metric = order_by != "_count" && order_by != "_key";
  auto render = [&](size_t i) -> Status {
    Json bucket = Json::object();
    bucket.set("key", buckets[i].key);
    if (buckets[i].key_as_string)
      bucket.set("key_as_string", Json::string(*buckets[i].key_as_string));
    bucket.set("doc_count", Json::integer(static_cast<int64_t>(buckets[i].count)));
    if (subs != nullptr) {
      CAUDAL_RETURN_IF_ERROR(
          sub_aggs(subs, subset(docs, std::move(buckets[i].docs)), context, bucket));
    }
    rendered[i] = std::move(bucket);
    return Status();
  };
  std::vector<size_t> order(buckets.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (by_metric) {
    const size_t dot = order_by.find('.');
    const std::string agg = order_by.substr(0, dot);
    const std::string value = dot == std::string::npos ? "value" : order_by.substr(dot + 1);
    for (size_t i = 0; i < buckets.size(); ++i) CAUDAL_RETURN_IF_ERROR(render(i));
    auto metric_of = [&](size_t i) {
      const Json* a = rendered[i].find(agg);
      const Json* v = a ? a->find(value) : nullptr;
      return v && v->is_number() ? v->as_double() : -INFINITY;
    };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const double x = metric_of(a), y = metric_of(b);
      if (x != y) return descending ? x > y : x < y;
      return buckets[a].count > buckets[b].count;
    });
  } else {
    // Buckets are in key order already; stable sort keeps it as the tie-break, as in ES.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if (order_by == "_key") return descending ? a > b : a < b;
      if (buckets[a].count != buckets[b].count) {
        return descending ? buckets[a].count > buckets[b].count
                          : buckets[a].count < buckets[b].count;
      }
      return a < b;
    });
  }
  const size_t keep = std::min<size_t>(order.size(), static_cast<size_t>(size));
  CAUDAL_RETURN_IF_ERROR(charge_buckets(context, keep));
  Json list = Json::array();
  uint64_t shown = 0;
  for (size_t k = 0; k < keep; ++k) {
    const size_t i = order[k];
    shown += buckets[i].count;
    if (!by_metric) CAUDAL_RETURN_IF_ERROR(render(i));
    list.push(std::move(rendered[i]));
  }
  Json out = Json::object();
  out.set("doc_count_error_upper_bound", Json::integer(0));
  out.set("sum_other_doc_count", Json::integer(static_cast<int64_t>(total - shown)));
  out.set("buckets", std::move(list));
  return out;
}

// Calendar units of date_histogram, as date math letters.
std::optional<char> calendar_unit(std::string_view text) {
  if (text == "minute" || text == "1m") return 'm';
  if (text == "hour" || text == "1h") return 'h';
  if (text == "day" || text == "1d") return 'd';
  if (text == "week" || text == "1w") return 'w';
  if (text == "month" || text == "1M") return 'M';
  if (text == "quarter" || text == "1q") return 'q';
  if (text == "year" || text == "1y") return 'y';
  return std::nullopt;
}

std::optional<int64_t> fixed_millis(std::string_view text) {
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') n = n * 10 + (text[i++] - '0');
  if (i == 0 || n <= 0) return std::nullopt;
  const std::string_view unit = text.substr(i);
  if (unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60'000;
  if (unit == "h") return n * 3'600'000;
  if (unit == "d") return n * 86'400'000;
  return std::nullopt;
}

// date_histogram and histogram: buckets keyed by the start of their interval.
Result<Json> histogram(bool dates, const Json& body, const Json* subs, const DocSet& docs,
                       AggContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(std::string field,
                          field_of(body, dates ? "date_histogram" : "histogram"));
  int64_t min_doc_count = 0;
  if (const Json* m = body.find("min_doc_count")) min_doc_count = m->as_int();
  int64_t zone = 0;
  if (const Json* tz = body.find("time_zone")) {
    CAUDAL_ASSIGN_OR_RETURN(zone, parse_time_zone(tz->as_string()));
  }
  std::optional<char> unit;
  double width = 0;
  if (dates) {
    const Json* calendar = body.find("calendar_interval");
    const Json* fixed = body.find("fixed_interval");
    const Json* legacy = body.find("interval");
    if (calendar != nullptr) {
      unit = calendar_unit(calendar->as_string());
      if (!unit)
        return parsing(
            *calendar,
            fmt::format("The supplied interval [{}] could not be parsed as a calendar interval.",
                        calendar->as_string()));
    } else if (fixed != nullptr) {
      auto ms = fixed_millis(fixed->as_string());
      if (!ms)
        return parsing(*fixed,
                       fmt::format("failed to parse setting [date_histogram.fixedInterval] with "
                                   "value [{}] as a time value: unit is missing or unrecognized",
                                   fixed->as_string()));
      width = static_cast<double>(*ms);
    } else if (legacy != nullptr && legacy->is_string()) {
      unit = calendar_unit(legacy->as_string());
      if (!unit) {
        auto ms = fixed_millis(legacy->as_string());
        if (!ms) return parsing(*legacy, "unparseable interval");
        width = static_cast<double>(*ms);
      }
    } else {
      return Status(Errc::kIllegalArgument,
                    "Invalid interval specified, must be non-null and non-empty");
    }
  } else {
    const Json* interval = body.find("interval");
    if (interval == nullptr || !interval->is_number() || interval->as_double() <= 0) {
      return parsing(body, "[interval] must be >0 for histogram aggregation [histogram]");
    }
    width = interval->as_double();
  }
  auto key_of = [&](double v) -> double {
    if (unit) return static_cast<double>(round_down_to_unit(static_cast<int64_t>(v), *unit, zone));
    if (dates) {
      const double local = v + static_cast<double>(zone);
      return std::floor(local / width) * width - static_cast<double>(zone);
    }
    return std::floor(v / width) * width;
  };
  auto next_key = [&](double key) -> double {
    if (unit)
      return static_cast<double>(add_units(static_cast<int64_t>(key) + zone, *unit, 1) - zone);
    return key + width;
  };
  std::map<double, Bucket> buckets;
  // Documents come in time order within a segment, so most fall in the previous one's bucket.
  Bucket* current = nullptr;
  double current_key = 0;
  for_each_number(docs, field, [&](size_t s, uint32_t doc, double v) {
    const double key = key_of(v);
    if (current == nullptr || key != current_key) {
      current = &buckets[key];
      current_key = key;
    }
    if (subs != nullptr) {
      if (current->docs.empty()) current->docs.resize(docs.size());
      current->docs[s].add(doc);
    }
    ++current->count;
  });
  if (min_doc_count == 0 && !buckets.empty()) {
    const double last = buckets.rbegin()->first;
    size_t added = 0;
    for (double key = buckets.begin()->first; key < last; key = next_key(key)) {
      buckets.try_emplace(key);
      if (++added > context.max_buckets) return charge_buckets(context, added);
    }
  }
  CAUDAL_RETURN_IF_ERROR(charge_buckets(context, buckets.size()));
  Json list = Json::array();
  for (auto& [key, b] : buckets) {
    if (static_cast<int64_t>(b.count) < min_doc_count) continue;
    Json bucket = Json::object();
    if (dates) {
      bucket.set("key_as_string", Json::string(format_iso_date(static_cast<int64_t>(key), zone)));
      bucket.set("key", Json::integer(static_cast<int64_t>(key)));
    } else {
      bucket.set("key", Json::number(key));
    }
    bucket.set("doc_count", Json::integer(static_cast<int64_t>(b.count)));
    if (subs != nullptr) {
      if (b.docs.empty()) b.docs.resize(docs.size());
      CAUDAL_RETURN_IF_ERROR(sub_aggs(subs, subset(docs, std::move(b.docs)), context, bucket));
    }
    list.push(std::move(bucket));
  }
  Json out = Json::object();
  out.set("buckets", std::move(list));
  return out;
}

std::string range_bound(std::optional<double> v) {
  return v ? fmt::format("{:.1f}", *v) : std::string("*");
}

Result<Json> range(const Json& body, const Json* subs, const DocSet& docs, AggContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(std::string field, field_of(body, "range"));
  const Json* ranges = body.find("ranges");
  if (ranges == nullptr || !ranges->is_array()) return parsing(body, "[ranges] must be an array");
  const bool keyed = body.find("keyed") != nullptr && body.find("keyed")->as_bool();
  Json list = keyed ? Json::object() : Json::array();
  CAUDAL_RETURN_IF_ERROR(charge_buckets(context, ranges->items().size()));
  for (const Json& r : ranges->items()) {
    std::optional<double> from, to;
    if (const Json* f = r.find("from"); f && f->is_number()) from = f->as_double();
    if (const Json* t = r.find("to"); t && t->is_number()) to = t->as_double();
    std::vector<Roaring> per_set(docs.size());
    uint64_t count = 0;
    for_each_number(docs, field, [&](size_t s, uint32_t doc, double v) {
      if ((from && v < *from) || (to && v >= *to)) return;
      per_set[s].add(doc);
      ++count;
    });
    Json bucket = Json::object();
    const std::string key =
        r.find("key") ? r.find("key")->as_string() : range_bound(from) + "-" + range_bound(to);
    if (!keyed) bucket.set("key", Json::string(key));
    if (from) bucket.set("from", Json::number(*from));
    if (to) bucket.set("to", Json::number(*to));
    bucket.set("doc_count", Json::integer(static_cast<int64_t>(count)));
    CAUDAL_RETURN_IF_ERROR(sub_aggs(subs, subset(docs, std::move(per_set)), context, bucket));
    if (keyed)
      list.set(key, std::move(bucket));
    else
      list.push(std::move(bucket));
  }
  Json out = Json::object();
  out.set("buckets", std::move(list));
  return out;
}

Result<Json> filters(const Json& body, const Json* subs, const DocSet& docs, AggContext& context) {
  const Json* named = body.find("filters");
  if (named == nullptr) return parsing(body, "[filters] cannot be null");
  auto run = [&](const Json& query) -> Result<DocSet> {
    CAUDAL_ASSIGN_OR_RETURN(Query q, parse_query(query));
    std::vector<Roaring> per_set(docs.size());
    for (size_t s = 0; s < docs.size(); ++s) {
      Executor* executor = context.executors.at(docs[s].snapshot);
      CAUDAL_ASSIGN_OR_RETURN(Roaring matched, executor->run(q, docs[s].segment, nullptr));
      per_set[s] = matched & docs[s].docs;
    }
    return subset(docs, std::move(per_set));
  };
  auto bucket_for = [&](const DocSet& matched) -> Result<Json> {
    Json bucket = Json::object();
    bucket.set("doc_count", Json::integer(static_cast<int64_t>(doc_count(matched))));
    CAUDAL_RETURN_IF_ERROR(sub_aggs(subs, matched, context, bucket));
    return bucket;
  };
  Json buckets = named->is_array() ? Json::array() : Json::object();
  const size_t n = named->is_array() ? named->items().size() : named->members().size();
  CAUDAL_RETURN_IF_ERROR(charge_buckets(context, n));
  if (named->is_array()) {
    for (const Json& query : named->items()) {
      CAUDAL_ASSIGN_OR_RETURN(DocSet matched, run(query));
      CAUDAL_ASSIGN_OR_RETURN(Json bucket, bucket_for(matched));
      buckets.push(std::move(bucket));
    }
  } else {
    for (const auto& [name, query] : named->members()) {
      CAUDAL_ASSIGN_OR_RETURN(DocSet matched, run(query));
      CAUDAL_ASSIGN_OR_RETURN(Json bucket, bucket_for(matched));
      buckets.set(name, std::move(bucket));
    }
  }
  Json out = Json::object();
  out.set("buckets", std::move(buckets));
  return out;
}

Result<Json> run_one(const std::string& name, const Json& spec, const DocSet& docs,
                     AggContext& context) {
  if (!spec.is_object())
    return parsing(spec, fmt::format("Expected [START_OBJECT] under [{}], but got a [{}] in [{}]",
                                     "aggs", spec.token_name(), name));
  const Json* subs = spec.find("aggs");
  if (subs == nullptr) subs = spec.find("aggregations");
  const Json* meta = spec.find("meta");
  for (const auto& [type, body] : spec.members()) {
    if (type == "aggs" || type == "aggregations" || type == "meta") continue;
    Result<Json> result = Json();
    if (type == "terms")
      result = terms(body, subs, docs, context);
    else if (type == "date_histogram")
      result = histogram(true, body, subs, docs, context);
    else if (type == "histogram")
      result = histogram(false, body, subs, docs, context);
    else if (type == "range")
      result = range(body, subs, docs, context);
    else if (type == "filters")
      result = filters(body, subs, docs, context);
    else if (type == "filter") {
      Json wrapped = Json::object();
      Json list = Json::array();
      list.push(body);
      wrapped.set("filters", std::move(list));
      CAUDAL_ASSIGN_OR_RETURN(Json one, filters(wrapped, subs, docs, context));
      result = std::move(one.find("buckets")->items()[0]);
    } else if (type == "top_hits")
      result = top_hits(body, docs);
    else if (type == "avg" || type == "sum" || type == "min" || type == "max" ||
             type == "value_count" || type == "cardinality" || type == "stats" ||
             type == "percentiles") {
      result = metric(type, body, docs);
    } else {
      return parsing(body,
                     fmt::format("Unknown aggregation type [{}] did you mean [terms]?", type));
    }
    if (!result.ok()) return result;
    if (meta != nullptr) result->set("meta", *meta);
    return result;
  }
  return parsing(spec, fmt::format("Missing definition for aggregation [{}]", name));
}

}  // namespace

Result<Json> run_aggregations(const Json& spec, const DocSet& docs, AggContext& context) {
  if (!spec.is_object()) return parsing(spec, "Expected [START_OBJECT] under [aggregations]");
  Json out = Json::object();
  for (const auto& [name, agg] : spec.members()) {
    CAUDAL_ASSIGN_OR_RETURN(Json result, run_one(name, agg, docs, context));
    out.set(name, std::move(result));
  }
  return out;
}

}  // namespace caudal::index
