#include "index/hits.h"

#include <algorithm>
#include <cmath>
#include <queue>

#include <fmt/format.h>

#include "index/doc_scan.h"
#include "index/errc.h"
#include "index/execute.h"

namespace caudal::index {
namespace {

Result<SortKey> sort_key(const std::string& field, const Json* spec) {
  SortKey key;
  key.field = field;
  key.kind = field == "_score" ? SortKey::Kind::kScore
             : field == "_doc" ? SortKey::Kind::kDoc
                               : SortKey::Kind::kField;
  key.descending = key.kind == SortKey::Kind::kScore;
  if (spec == nullptr) return key;
  const Json* order = spec->is_object() ? spec->find("order") : spec;
  if (order != nullptr) {
    if (!order->is_string() || (order->as_string() != "asc" && order->as_string() != "desc")) {
      return Status(Errc::kParsing,
                    fmt::format("{} [sort] order must be [asc] or [desc]", order->where()));
    }
    key.descending = order->as_string() == "desc";
  }
  if (spec->is_object()) {
    if (const Json* missing = spec->find("missing")) {
      key.missing_first = missing->is_string() && missing->as_string() == "_first";
    }
  }
  return key;
}

bool path_matches(const std::string& pattern, const std::string& path, bool prefix_ok) {
  if (wildcard_match(pattern, path)) return true;
  // "user" selects user.name; "user.*" too.
  if (path.size() > pattern.size() && path.starts_with(pattern) && path[pattern.size()] == '.') {
    return true;
  }
  // While walking down: "user.name" needs "user" kept as an object.
  return prefix_ok && pattern.size() > path.size() && pattern.starts_with(path) &&
         pattern[path.size()] == '.';
}

Json filter_source(const Json& value, const SourceFilter& filter, const std::string& path) {
  if (!value.is_object()) return value;
  Json out = Json::object();
  for (const auto& [key, child] : value.members()) {
    const std::string here = path.empty() ? key : path + "." + key;
    bool excluded = false;
    for (const std::string& pattern : filter.excludes)
      excluded |= path_matches(pattern, here, false);
    if (excluded) continue;
    bool included = filter.includes.empty();
    bool partial = false;
    for (const std::string& pattern : filter.includes) {
      if (path_matches(pattern, here, false))
        included = true;
      else if (path_matches(pattern, here, true))
        partial = true;
    }
    if (included && filter.excludes.empty()) {
      out.set(key, child);
    } else if (included || partial) {
      if (child.is_object()) {
        SourceFilter inner = filter;
        if (included) inner.includes.clear();
        Json kept = filter_source(child, inner, here);
        if (included || !kept.members().empty()) out.set(key, std::move(kept));
      } else if (included) {
        out.set(key, child);
      }
    }
  }
  return out;
}

SortValue field_value(const SegmentDocs& set, const SortKey& key, uint32_t doc) {
  SortValue value;
  const Mappings& mappings = set.snapshot->mappings;
  const std::optional<FieldType> type = mappings.type_of(key.field);
  if (!type) return value;
  const SegmentField* f =
      set.snapshot->segments[set.segment].segment->field(mappings.resolve(key.field));
  if (f == nullptr || !f->has_value.contains(doc)) return value;
  if (f->has_dict()) {
    const uint32_t begin = f->ord_starts[doc], end = f->ord_starts[doc + 1];
    if (begin == end) return value;
    uint32_t pick = f->ords[begin];
    for (uint32_t i = begin; i < end; ++i) {
      pick = key.descending ? std::max(pick, f->ords[i]) : std::min(pick, f->ords[i]);
    }
    value.missing = false;
    value.is_string = true;
    value.text = f->dict[pick];
    return value;
  }
  if (f->values.empty()) return value;
  value.missing = false;
  value.number = f->values[doc];
  value.text = *type == FieldType::kDouble ? "d" : "l";  // how to render it
  return value;
}

// <0 when a sorts before b.
int compare(const SortValue& a, const SortValue& b, const SortKey& key) {
  if (a.missing || b.missing) {
    if (a.missing == b.missing) return 0;
    const int missing_last = a.missing ? 1 : -1;
    return key.missing_first ? -missing_last : missing_last;
  }
  int c = 0;
  if (a.is_string && b.is_string) {
    c = a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  } else if (!a.is_string && !b.is_string) {
    c = a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
  } else {
    c = a.is_string ? 1 : -1;
  }
  return key.descending ? -c : c;
}

SortValue from_json(const Json& value) {
  SortValue out;
  if (value.is_null()) return out;
  out.missing = false;
  if (value.is_string()) {
    out.is_string = true;
    out.text = value.as_string();
  } else if (value.is_bool()) {
    out.number = value.as_bool() ? 1 : 0;
  } else {
    out.number = value.as_double();
  }
  return out;
}

// pick_hits for one numeric sort key and no search_after. The columns' run summaries are
// visited best first, and a run that cannot beat the k-th hit found so far ends the walk, so a
// top 10 by time reads a run or two of the newest segment instead of every match. The order is
// the general path's: value, then set, then document; documents without a value last (first
// with missing: _first), in set and document order. nullopt when a set's field is not numeric.
std::optional<std::vector<HitRef>> pick_by_column(const DocSet& docs, const SortKey& key,
                                                  size_t k) {
  struct Column {
    const SegmentField* field = nullptr;  // null: no document of the set has a value
    bool whole_numbers = true;
  };
  std::vector<Column> columns(docs.size());
  for (size_t s = 0; s < docs.size(); ++s) {
    const Mappings& mappings = docs[s].snapshot->mappings;
    const std::optional<FieldType> type = mappings.type_of(key.field);
    if (!type) continue;
    if (!is_numeric(*type)) return std::nullopt;
    const SegmentField* f =
        docs[s].snapshot->segments[docs[s].segment].segment->field(mappings.resolve(key.field));
    if (f == nullptr || f->values.empty()) continue;
    columns[s] = Column{f, *type != FieldType::kDouble};
  }
  struct Hit {
    double value;
    size_t set;
    uint32_t doc;
  };
  auto order = [&](double a, double b) {
    const int c = a < b ? -1 : a > b ? 1 : 0;
    return key.descending ? -c : c;
  };
  auto better = [&](const Hit& a, const Hit& b) {
    const int c = order(a.value, b.value);
    if (c != 0) return c < 0;
    return a.set != b.set ? a.set < b.set : a.doc < b.doc;
  };
  auto hit_ref = [&](size_t s, uint32_t doc, std::optional<double> value) {
    HitRef hit;
    hit.set = s;
    hit.doc = doc;
    hit.score = docs[s].scores ? (*docs[s].scores)[doc] : docs[s].constant_score;
    SortValue sort;
    if (value) {
      sort.missing = false;
      sort.number = *value;
      sort.text = columns[s].whole_numbers ? "l" : "d";
    }
    hit.sort.push_back(std::move(sort));
    return hit;
  };
  // Documents without a value, in set and document order, at most `limit`.
  auto missing = [&](size_t limit) {
    std::vector<HitRef> out;
    for (size_t s = 0; s < docs.size() && out.size() < limit; ++s) {
      const SegmentField* f = columns[s].field;
      if (f != nullptr && f->dense) continue;
      const Roaring without = f == nullptr ? docs[s].docs : docs[s].docs - f->has_value;
      for_each_doc(without, [&](uint32_t doc) {
        if (out.size() < limit) out.push_back(hit_ref(s, doc, std::nullopt));
      });
    }
    return out;
  };
  std::vector<HitRef> first;
  if (key.missing_first) first = missing(k);
  const size_t want = k - first.size();
  struct Run {
    double bound;
    size_t set;
    uint32_t run;
  };
  std::vector<Run> runs;
  for (size_t s = 0; s < docs.size() && want > 0; ++s) {
    const SegmentField* f = columns[s].field;
    if (f == nullptr) continue;
    for (uint32_t r = 0; r < f->run_min.size(); ++r) {
      if (!(f->run_min[r] <= f->run_max[r])) continue;  // no value in the run
      runs.push_back(Run{key.descending ? f->run_max[r] : f->run_min[r], s, r});
    }
  }
  std::stable_sort(runs.begin(), runs.end(),
                   [&](const Run& a, const Run& b) { return order(a.bound, b.bound) < 0; });
  std::vector<Hit> heap;  // the best `want` so far; the worst on top
  for (const Run& run : runs) {
    if (heap.size() == want && order(run.bound, heap.front().value) > 0) break;
    const SegmentField& f = *columns[run.set].field;
    const uint32_t begin = run.run * kColumnRunDocs;
    for_each_doc_in(docs[run.set].docs, begin, uint64_t{begin} + kColumnRunDocs, [&](uint32_t doc) {
      if (!f.dense && !f.has_value.contains(doc)) return;
      const Hit hit{f.values[doc], run.set, doc};
      if (heap.size() < want) {
        heap.push_back(hit);
        std::push_heap(heap.begin(), heap.end(), better);
      } else if (better(hit, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), better);
        heap.back() = hit;
        std::push_heap(heap.begin(), heap.end(), better);
      }
    });
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  std::vector<HitRef> out = std::move(first);
  for (const Hit& hit : heap) out.push_back(hit_ref(hit.set, hit.doc, hit.value));
  if (!key.missing_first && out.size() < k) {
    for (HitRef& hit : missing(k - out.size())) out.push_back(std::move(hit));
  }
  return out;
}

}  // namespace

Result<std::vector<SortKey>> parse_sort(const Json& sort) {
  std::vector<SortKey> keys;
  auto one = [&](const Json& item) -> Status {
    if (item.is_string()) {
      CAUDAL_ASSIGN_OR_RETURN(SortKey key, sort_key(item.as_string(), nullptr));
      keys.push_back(std::move(key));
      return Status();
    }
    if (item.is_object() && item.members().size() == 1) {
      CAUDAL_ASSIGN_OR_RETURN(SortKey key,
                              sort_key(item.members()[0].first, &item.members()[0].second));
      keys.push_back(std::move(key));
      return Status();
    }
    if (item.is_object()) {
      for (const auto& [field, spec] : item.members()) {
        CAUDAL_ASSIGN_OR_RETURN(SortKey key, sort_key(field, &spec));
        keys.push_back(std::move(key));
      }
      return Status();
    }
    return Status(Errc::kParsing, fmt::format("{} malformed sort format, expected a field name or "
                                              "an object",
                                              item.where()));
  };
  if (sort.is_array()) {
    for (const Json& item : sort.items()) CAUDAL_RETURN_IF_ERROR(one(item));
  } else {
    CAUDAL_RETURN_IF_ERROR(one(sort));
  }
  return keys;
}

std::vector<SortKey> parse_sort_param(std::string_view text) {
  std::vector<SortKey> keys;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t colon = part.rfind(':');
    Json order =
        Json::string(colon == std::string_view::npos ? "" : std::string(part.substr(colon + 1)));
    const std::string field(part.substr(0, colon));
    auto key = sort_key(field, colon == std::string_view::npos ? nullptr : &order);
    if (key.ok()) keys.push_back(*key);
  }
  return keys;
}

Result<SourceFilter> parse_source_filter(const Json& source) {
  SourceFilter filter;
  auto patterns = [](const Json& value, std::vector<std::string>& out) {
    if (value.is_string()) out.push_back(value.as_string());
    for (const Json& item : value.items()) {
      if (item.is_string()) out.push_back(item.as_string());
    }
  };
  if (source.is_bool()) {
    filter.enabled = source.as_bool();
  } else if (source.is_string() || source.is_array()) {
    patterns(source, filter.includes);
  } else if (source.is_object()) {
    for (const auto& [key, value] : source.members()) {
      if (key == "includes" || key == "include")
        patterns(value, filter.includes);
      else if (key == "excludes" || key == "exclude")
        patterns(value, filter.excludes);
      else
        return Status(Errc::kParsing, fmt::format("{} Unknown key for a {} in [{}].", value.where(),
                                                  value.token_name(), key));
    }
  }
  return filter;
}

Result<std::vector<HitRef>> pick_hits(const DocSet& docs, const std::vector<SortKey>& sort,
                                      size_t k, const Json* search_after) {
  std::vector<SortValue> after;
  if (search_after != nullptr) {
    if (!search_after->is_array() || search_after->items().size() != sort.size()) {
      return Status(
          Errc::kIllegalArgument,
          fmt::format("search_after has {} value(s) but sort has {}.",
                      search_after->is_array() ? search_after->items().size() : 1, sort.size()));
    }
    for (const Json& value : search_after->items()) after.push_back(from_json(value));
  }
  auto less = [&](const HitRef& a, const HitRef& b) {
    for (size_t i = 0; i < sort.size(); ++i) {
      const int c = compare(a.sort[i], b.sort[i], sort[i]);
      if (c != 0) return c < 0;
    }
    return a.set != b.set ? a.set < b.set : a.doc < b.doc;
  };
  std::priority_queue<HitRef, std::vector<HitRef>, decltype(less)> heap(less);
  if (k == 0) return std::vector<HitRef>();
  if (sort.size() == 1 && sort[0].kind == SortKey::Kind::kField && search_after == nullptr) {
    if (auto picked = pick_by_column(docs, sort[0], k)) return std::move(*picked);
  }
  for (size_t s = 0; s < docs.size(); ++s) {
    const SegmentDocs& set = docs[s];
    for (uint32_t doc : set.docs) {
      HitRef hit;
      hit.set = s;
      hit.doc = doc;
      hit.score = set.scores ? (*set.scores)[doc] : set.constant_score;
      hit.sort.reserve(sort.size());
      for (const SortKey& key : sort) {
        SortValue value;
        if (key.kind == SortKey::Kind::kScore) {
          value.missing = false;
          value.number = hit.score;
          value.text = "d";
        } else if (key.kind == SortKey::Kind::kDoc) {
          value.missing = false;
          value.number = static_cast<double>(doc);
          value.text = "l";
        } else {
          value = field_value(set, key, doc);
        }
        hit.sort.push_back(std::move(value));
      }
      if (!after.empty()) {
        bool beyond = false;
        for (size_t i = 0; i < sort.size(); ++i) {
          const int c = compare(hit.sort[i], after[i], sort[i]);
          if (c != 0) {
            beyond = c > 0;
            break;
          }
        }
        if (!beyond) continue;
      }
      if (heap.size() < k) {
        heap.push(std::move(hit));
      } else if (less(hit, heap.top())) {
        heap.pop();
        heap.push(std::move(hit));
      }
    }
  }
  std::vector<HitRef> out(heap.size());
  for (size_t i = out.size(); i > 0; --i) {
    out[i - 1] = heap.top();
    heap.pop();
  }
  return out;
}

Result<Json> render_hit(const DocSet& docs, const HitRef& hit, const SourceFilter& filter,
                        bool with_sort, bool with_score, SourceReader& sources) {
  const SegmentDocs& set = docs[hit.set];
  const Segment& segment = *set.snapshot->segments[set.segment].segment;
  Json out = Json::object();
  out.set("_index", Json::string(set.snapshot->index));
  out.set("_id", Json::string(segment.meta(hit.doc).id));
  out.set("_score", with_score ? Json::number(hit.score) : Json::null());
  if (filter.enabled) {
    CAUDAL_ASSIGN_OR_RETURN(std::string_view text, sources.read(segment, hit.doc));
    Result<Json> source = parse_json(text);
    if (!source.ok()) return Status(Errc::kCorruptSegment, "stored source is not JSON");
    out.set("_source", filter.includes.empty() && filter.excludes.empty()
                           ? std::move(*source)
                           : filter_source(*source, filter, ""));
  }
  if (with_sort) {
    Json values = Json::array();
    for (const SortValue& value : hit.sort) {
      if (value.missing) {
        values.push(Json::null());
      } else if (value.is_string) {
        values.push(Json::string(value.text));
      } else if (value.text == "l") {
        values.push(Json::integer(static_cast<int64_t>(value.number)));
      } else {
        values.push(Json::number(value.number));
      }
    }
    out.set("sort", std::move(values));
  }
  return out;
}

}  // namespace caudal::index
