#include "index/execute.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "index/analyzer.h"
#include "index/date.h"
#include "index/doc_scan.h"
#include "index/errc.h"
#include "index/segment_builder.h"

namespace caudal::index {
namespace {

constexpr double kK1 = 1.2;
constexpr double kB = 0.75;

std::string value_text(const Json& value) {
  if (value.is_string()) return value.as_string();
  return value.dump();
}

void add_scores(std::vector<float>* into, const std::vector<float>& from, const Roaring& docs) {
  if (into == nullptr) return;
  for_each_doc(docs, [&](uint32_t doc) { (*into)[doc] += from[doc]; });
}

// A numeric range as a closed interval [low, high] (a strict bound is the next double past
// it), so a value is tested with two comparisons; NaN is inside none.
struct ColumnBounds {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();

  void greater_than(double v, bool inclusive) {
    low = std::max(low, inclusive ? v : std::nextafter(v, std::numeric_limits<double>::infinity()));
  }
  void less_than(double v, bool inclusive) {
    high =
        std::min(high, inclusive ? v : std::nextafter(v, -std::numeric_limits<double>::infinity()));
  }
  bool holds(double v) const { return v >= low && v <= high; }
};

// The documents of a segment of `n` whose value in column `f` is within `bounds`, a run of
// kColumnRunDocs at a time: a run whose summary lies outside is skipped, one wholly inside is
// taken as a range, the others are tested document by document (without branches: about half
// of a run's documents may match in no predictable pattern).
Roaring scan_column(const SegmentField& f, uint32_t n, const ColumnBounds& bounds) {
  Roaring docs;
  if (f.values.empty()) return docs;
  const double* values = f.values.data();
  std::vector<uint32_t> found(kColumnRunDocs);
  for (size_t run = 0; run < f.run_min.size(); ++run) {
    const double low = f.run_min[run], high = f.run_max[run];
    if (!(low <= high) || high < bounds.low || low > bounds.high) continue;
    const uint32_t begin = static_cast<uint32_t>(run * kColumnRunDocs);
    const uint32_t end = std::min<uint32_t>(n, begin + kColumnRunDocs);
    if (bounds.holds(low) && bounds.holds(high)) {
      docs.addRange(begin, end);
      continue;
    }
    size_t count = 0;
    for (uint32_t doc = begin; doc < end; ++doc) {
      found[count] = doc;
      count += static_cast<size_t>(values[doc] >= bounds.low) & static_cast<size_t>(values[doc] <= bounds.high);
    }
    docs.addMany(count, found.data());
  }
  // Documents without a value hold 0 in the column: only those with one count.
  if (!f.dense) docs &= f.has_value;
  return docs;
}

}  // namespace

size_t minimum_should_match(const std::string& spec, size_t optional) {
  if (spec.empty()) return 0;
  const bool percent = spec.back() == '%';
  const bool negative = spec.front() == '-';
  const double number = std::atof(spec.c_str() + (negative ? 1 : 0));
  int64_t count = percent ? static_cast<int64_t>(std::floor(optional * number / 100.0))
                          : static_cast<int64_t>(number);
  if (negative) count = static_cast<int64_t>(optional) - count;
  return static_cast<size_t>(std::clamp<int64_t>(count, 0, static_cast<int64_t>(optional)));
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Executor::Executor(const Snapshot& snapshot, int64_t now_ms, uint64_t budget_bytes)
    : snapshot_(snapshot), now_ms_(now_ms), budget_(budget_bytes) {}

Status Executor::charge(uint64_t bytes) {
  used_ += bytes;
  if (used_ > budget_) {
    return Status(Errc::kMemoryBudget,
                  fmt::format("[parent] Data too large, data for [<search>] would be [{}/{}b], "
                              "which is larger than the limit of [{}/{}b]",
                              used_, used_, budget_, budget_));
  }
  return Status();
}

Roaring Executor::all_docs(size_t s) const {
  Roaring docs;
  const uint32_t n = snapshot_.segments[s].segment->doc_count();
  if (n > 0) docs.addRange(0, n);
  return docs;
}

const Executor::FieldStats& Executor::field_stats(const std::string& field) {
  auto it = field_stats_.find(field);
  if (it != field_stats_.end()) return it->second;
  FieldStats stats;
  double length = 0;
  for (const SegmentView& view : snapshot_.segments) {
    if (const SegmentField* f = view.segment->field(field)) {
      stats.docs += f->has_value.cardinality();
      length += static_cast<double>(f->total_length);
    }
  }
  stats.avg_length = stats.docs > 0 ? std::max(1.0, length / stats.docs) : 1.0;
  return field_stats_.emplace(field, stats).first->second;
}

double Executor::idf(const std::string& field, const std::string& token, bool exact) {
  const std::string key = field + (exact ? "\x01" : "\x02") + token;
  auto it = idf_cache_.find(key);
  if (it != idf_cache_.end()) return it->second;
  double df = 0;
  for (const SegmentView& view : snapshot_.segments) {
    const SegmentField* f = view.segment->field(field);
    if (f == nullptr) continue;
    if (exact) {
      const int64_t ord = f->find_ord(token);
      if (ord >= 0) df += f->postings[ord].cardinality();
    } else {
      const int64_t t = f->find_token(token);
      if (t >= 0) df += f->token_postings[t].docs.cardinality();
    }
  }
  const double n = field_stats(field).docs;
  const double value = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  idf_cache_.emplace(key, value);
  return value;
}

std::optional<float> Executor::constant_score(const Query& q) const {
  switch (q.kind) {
    case Query::Kind::kMatchAll:
    case Query::Kind::kConstantScore:
    case Query::Kind::kIds: return static_cast<float>(q.boost);
    case Query::Kind::kMatchNone: return 0.0f;
    case Query::Kind::kBool:
      // Filter and must_not clauses add nothing to a score.
      if (q.must.empty() && q.should.empty()) return 0.0f;
      return std::nullopt;
    default: break;
  }
  if (q.field == "*") return std::nullopt;
  switch (q.kind) {
    case Query::Kind::kTerms:
    case Query::Kind::kRange:
    case Query::Kind::kExists:
    case Query::Kind::kPrefix:
    case Query::Kind::kWildcard: return static_cast<float>(q.boost);
    case Query::Kind::kTerm:
    case Query::Kind::kMatch:
    case Query::Kind::kMatchPhrase: {
      // On a number or date, these compare the column and score their boost.
      const std::optional<FieldType> type = snapshot_.mappings.type_of(q.field);
      if (type && is_numeric(*type)) return static_cast<float>(q.boost);
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

Result<Roaring> Executor::run(const Query& query, size_t s, std::vector<float>* scores) {
  const SegmentView& view = snapshot_.segments[s];
  if (scores != nullptr) {
    CAUDAL_RETURN_IF_ERROR(charge(view.segment->doc_count() * sizeof(float)));
    scores->assign(view.segment->doc_count(), 0.0f);
  }
  CAUDAL_ASSIGN_OR_RETURN(Roaring docs, eval(query, s, scores));
  docs -= *view.deletes;
  return docs;
}

Result<Roaring> Executor::eval(const Query& q, size_t s, std::vector<float>* scores) {
  switch (q.kind) {
    case Query::Kind::kMatchAll: {
      Roaring docs = all_docs(s);
      if (scores != nullptr) {
        for (float& score : *scores) score += static_cast<float>(q.boost);
      }
      return docs;
    }
    case Query::Kind::kMatchNone: return Roaring();
    case Query::Kind::kBool: return eval_bool(q, s, scores);
    case Query::Kind::kConstantScore: {
      CAUDAL_ASSIGN_OR_RETURN(Roaring docs, eval(q.filter[0], s, nullptr));
      if (scores != nullptr) {
        for_each_doc(docs, [&](uint32_t doc) { (*scores)[doc] += static_cast<float>(q.boost); });
      }
      return docs;
    }
    case Query::Kind::kIds: {
      Roaring docs;
      const Segment& segment = *snapshot_.segments[s].segment;
      for (uint32_t d = 0; d < segment.doc_count(); ++d) {
        for (const Json& id : q.values) {
          if (id.is_string() && id.as_string() == segment.meta(d).id) docs.add(d);
        }
      }
      if (scores != nullptr) {
        for_each_doc(docs, [&](uint32_t doc) { (*scores)[doc] += static_cast<float>(q.boost); });
      }
      return docs;
    }
    default: break;
  }
  if (q.field != "*") return eval_field(q, q.field, s, scores);
  // No field (query_string): the best of every field, as Elasticsearch's dis_max over `*`.
  Roaring docs;
  std::vector<float> best;
  if (scores != nullptr) best.assign(scores->size(), 0.0f);
  for (const auto& [name, type] : snapshot_.mappings.fields()) {
    if (type == FieldType::kGeoPoint) continue;
    if (is_numeric(type) && q.kind != Query::Kind::kMatch && q.kind != Query::Kind::kTerm) continue;
    if (is_numeric(type)) {
      // Only values that read as this field's kind; "error" is no number to compare with.
      const std::string text = value_text(q.values[0]);
      char* end = nullptr;
      std::strtod(text.c_str(), &end);
      const bool number = !text.empty() && end == text.c_str() + text.size();
      const bool fits = type == FieldType::kDate      ? parse_iso_date(text).has_value() || number
                        : type == FieldType::kBoolean ? text == "true" || text == "false"
                                                      : number;
      if (!fits) continue;
    }
    std::vector<float> these;
    if (scores != nullptr) these.assign(scores->size(), 0.0f);
    CAUDAL_ASSIGN_OR_RETURN(Roaring matched, eval_field(q, name, s, scores ? &these : nullptr));
    if (scores != nullptr) {
      for_each_doc(matched, [&](uint32_t doc) { best[doc] = std::max(best[doc], these[doc]); });
    }
    docs |= matched;
  }
  add_scores(scores, best, docs);
  return docs;
}

Result<Roaring> Executor::eval_bool(const Query& q, size_t s, std::vector<float>* scores) {
  const size_t n = snapshot_.segments[s].segment->doc_count();
  std::optional<Roaring> required;
  std::vector<float> child;
  auto intersect = [&](Roaring docs) {
    if (required) {
      *required &= docs;
    } else {
      required = std::move(docs);
    }
  };
  std::vector<std::pair<Roaring, std::vector<float>>> scored;
  auto run_child = [&](const Query& clause, std::vector<float>& out) -> Result<Roaring> {
    if (scores == nullptr) return eval(clause, s, nullptr);
    CAUDAL_RETURN_IF_ERROR(charge(n * sizeof(float)));
    out.assign(n, 0.0f);
    return eval(clause, s, &out);
  };
  for (const Query& must : q.must) {
    CAUDAL_ASSIGN_OR_RETURN(Roaring docs, run_child(must, child));
    if (scores != nullptr) scored.emplace_back(docs, std::move(child));
    intersect(std::move(docs));
  }
  for (const Query& filter : q.filter) {
    CAUDAL_ASSIGN_OR_RETURN(Roaring docs, eval(filter, s, nullptr));
    intersect(std::move(docs));
  }
  size_t msm = q.must.empty() && q.filter.empty() && !q.should.empty() ? 1 : 0;
  if (q.minimum_should_match) msm = minimum_should_match(*q.minimum_should_match, q.should.size());
  if (!q.should.empty()) {
    std::vector<Roaring> should;
    for (const Query& clause : q.should) {
      CAUDAL_ASSIGN_OR_RETURN(Roaring docs, run_child(clause, child));
      if (scores != nullptr) scored.emplace_back(docs, std::move(child));
      should.push_back(std::move(docs));
    }
    if (msm == 1) {
      Roaring any;
      for (const Roaring& docs : should) any |= docs;
      intersect(std::move(any));
    } else if (msm > 1) {
      CAUDAL_RETURN_IF_ERROR(charge(n));
      std::vector<uint8_t> counts(n, 0);
      for (const Roaring& docs : should) {
        for (uint32_t doc : docs)
          counts[doc] = static_cast<uint8_t>(std::min(255, counts[doc] + 1));
      }
      Roaring enough;
      for (uint32_t doc = 0; doc < n; ++doc) {
        if (counts[doc] >= msm) enough.add(doc);
      }
      intersect(std::move(enough));
    }
  }
  Roaring docs = required ? std::move(*required) : all_docs(s);
  for (const Query& must_not : q.must_not) {
    CAUDAL_ASSIGN_OR_RETURN(Roaring excluded, eval(must_not, s, nullptr));
    docs -= excluded;
  }
  if (scores != nullptr) {
    for (const auto& [matched, values] : scored) {
      Roaring both = matched & docs;
      for_each_doc(both, [&](uint32_t doc) {
        (*scores)[doc] += static_cast<float>(values[doc] * q.boost);
      });
    }
  }
  return docs;
}

Result<Roaring> Executor::eval_field(const Query& q, const std::string& name, size_t s,
                                     std::vector<float>* scores) {
  const std::optional<FieldType> mapped = snapshot_.mappings.type_of(name);
  if (!mapped) return Roaring();
  const FieldType type = *mapped;
  const std::string field = snapshot_.mappings.resolve(name);
  const Segment& segment = *snapshot_.segments[s].segment;
  const SegmentField* f = segment.field(field);
  if (f == nullptr) return Roaring();
  auto constant = [&](Roaring docs) {
    if (scores != nullptr) {
      for_each_doc(docs, [&](uint32_t doc) { (*scores)[doc] += static_cast<float>(q.boost); });
    }
    return docs;
  };
  switch (q.kind) {
    case Query::Kind::kMatch:
      if (type == FieldType::kText) return match_tokens(q, field, s, scores);
      return term(field, type, q.values[0], s, scores, q.boost, q.case_insensitive);
    case Query::Kind::kMatchPhrase:
      if (type == FieldType::kText) {
        return match_phrase(field, tokenize(value_text(q.values[0])), s, scores, q.boost);
      }
      return term(field, type, q.values[0], s, scores, q.boost, false);
    case Query::Kind::kTerm:
      return term(field, type, q.values[0], s, scores, q.boost, q.case_insensitive);
    case Query::Kind::kTerms: {
      Roaring docs;
      for (const Json& value : q.values) {
        CAUDAL_ASSIGN_OR_RETURN(Roaring one, term(field, type, value, s, nullptr, 1.0, false));
        docs |= one;
      }
      return constant(std::move(docs));
    }
    case Query::Kind::kRange: {
      CAUDAL_ASSIGN_OR_RETURN(Roaring docs, range(q, field, type, s));
      return constant(std::move(docs));
    }
    case Query::Kind::kExists: return constant(f->has_value);
    case Query::Kind::kPrefix:
    case Query::Kind::kWildcard:
      return constant(pattern(field, type, value_text(q.values[0]), q.kind == Query::Kind::kPrefix,
                              q.case_insensitive, s));
    default: return Roaring();
  }
}

Result<Roaring> Executor::match_tokens(const Query& q, const std::string& field, size_t s,
                                       std::vector<float>* scores) {
  const std::vector<std::string> tokens = tokenize(value_text(q.values[0]));
  const SegmentField& f = *snapshot_.segments[s].segment->field(field);
  const FieldStats& stats = field_stats(field);
  std::vector<const TokenPostings*> postings;
  std::vector<double> weights;
  for (const std::string& token : tokens) {
    const int64_t t = f.find_token(token);
    postings.push_back(t >= 0 ? &f.token_postings[t] : nullptr);
    weights.push_back(idf(field, token, false) * q.boost);
  }
  size_t msm = q.operator_and ? tokens.size() : 1;
  if (q.minimum_should_match)
    msm = std::max<size_t>(1, minimum_should_match(*q.minimum_should_match, tokens.size()));
  if (tokens.empty()) return Roaring();
  Roaring docs;
  if (msm >= tokens.size()) {
    for (size_t i = 0; i < postings.size(); ++i) {
      if (postings[i] == nullptr) return Roaring();
      if (i == 0)
        docs = postings[i]->docs;
      else
        docs &= postings[i]->docs;
    }
  } else if (msm <= 1) {
    for (const TokenPostings* p : postings) {
      if (p != nullptr) docs |= p->docs;
    }
  } else {
    std::map<uint32_t, size_t> counts;
    for (const TokenPostings* p : postings) {
      if (p == nullptr) continue;
      for (uint32_t doc : p->docs) ++counts[doc];
    }
    for (const auto& [doc, count] : counts) {
      if (count >= msm) docs.add(doc);
    }
  }
  if (scores != nullptr) {
    for (size_t i = 0; i < postings.size(); ++i) {
      const TokenPostings* p = postings[i];
      if (p == nullptr) continue;
      for (size_t k = 0; k < p->doc_ids.size(); ++k) {
        const uint32_t doc = p->doc_ids[k];
        if (!docs.contains(doc)) continue;
        const double tf = p->freqs[k];
        const double norm = kK1 * (1 - kB + kB * f.lengths[doc] / stats.avg_length);
        (*scores)[doc] += static_cast<float>(weights[i] * tf / (tf + norm));
      }
    }
  }
  return docs;
}

Result<Roaring> Executor::match_phrase(const std::string& field,
                                       const std::vector<std::string>& tokens, size_t s,
                                       std::vector<float>* scores, double boost) {
  if (tokens.empty()) return Roaring();
  Query all;
  all.kind = Query::Kind::kMatch;
  all.operator_and = true;
  all.boost = boost;
  std::string joined;
  for (const std::string& token : tokens) joined += token + " ";
  all.values.push_back(Json::string(joined));
  std::vector<float> candidate_scores;
  if (scores != nullptr) candidate_scores.assign(scores->size(), 0.0f);
  CAUDAL_ASSIGN_OR_RETURN(Roaring candidates,
                          match_tokens(all, field, s, scores ? &candidate_scores : nullptr));
  if (tokens.size() == 1) {
    add_scores(scores, candidate_scores, candidates);
    return candidates;
  }
  // Positions are not indexed: the candidates' sources are analyzed again to check adjacency.
  const Segment& segment = *snapshot_.segments[s].segment;
  Roaring docs;
  SourceReader sources;
  for (uint32_t doc : candidates) {
    CAUDAL_ASSIGN_OR_RETURN(std::string_view text, sources.read(segment, doc));
    Result<Json> source = parse_json(text);
    if (!source.ok()) continue;
    std::vector<const Json*> values;
    collect_values(*source, field, values);
    for (const Json* value : values) {
      const std::vector<std::string> have = tokenize(value_text(*value));
      if (std::search(have.begin(), have.end(), tokens.begin(), tokens.end()) != have.end()) {
        docs.add(doc);
        break;
      }
    }
  }
  add_scores(scores, candidate_scores, docs);
  return docs;
}

Result<Roaring> Executor::term(const std::string& field, FieldType type, const Json& value,
                               size_t s, std::vector<float>* scores, double boost,
                               bool case_insensitive) {
  const SegmentField& f = *snapshot_.segments[s].segment->field(field);
  if (type == FieldType::kText) {
    // Unanalyzed lookup of one token (Elasticsearch's term on a text field).
    std::string token = value_text(value);
    if (case_insensitive) token = lowercase(token);
    const int64_t t = f.find_token(token);
    if (t < 0) return Roaring();
    const TokenPostings& p = f.token_postings[t];
    if (scores != nullptr) {
      const double weight = idf(field, token, false) * boost;
      const double avg = field_stats(field).avg_length;
      for (size_t k = 0; k < p.doc_ids.size(); ++k) {
        const double tf = p.freqs[k];
        const double norm = kK1 * (1 - kB + kB * f.lengths[p.doc_ids[k]] / avg);
        (*scores)[p.doc_ids[k]] += static_cast<float>(weight * tf / (tf + norm));
      }
    }
    return p.docs;
  }
  if (type == FieldType::kKeyword || f.has_dict()) {
    const std::string text = value_text(value);
    Roaring docs;
    if (case_insensitive) {
      const std::string lower = lowercase(text);
      for (size_t ord = 0; ord < f.dict.size(); ++ord) {
        if (lowercase(f.dict[ord]) == lower) docs |= f.postings[ord];
      }
    } else {
      const int64_t ord = f.find_ord(text);
      if (ord >= 0) docs = f.postings[ord];
    }
    if (scores != nullptr) {
      const float score = static_cast<float>(idf(field, text, true) * boost / (1 + kK1));
      for_each_doc(docs, [&](uint32_t doc) { (*scores)[doc] += score; });
    }
    return docs;
  }
  double target = 0;
  if (type == FieldType::kBoolean) {
    target = (value.is_bool() ? value.as_bool() : value_text(value) == "true") ? 1 : 0;
  } else if (type == FieldType::kDate) {
    CAUDAL_ASSIGN_OR_RETURN(int64_t millis, eval_date_math(value_text(value), now_ms_, false));
    target = static_cast<double>(millis);
  } else if (value.is_number()) {
    target = value.as_double();
  } else {
    const std::string text = value_text(value);
    char* end = nullptr;
    target = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
      return Status(Errc::kParsing,
                    fmt::format("failed to create query: For input string: \"{}\"", text));
    }
  }
  ColumnBounds bounds;
  bounds.greater_than(target, true);
  bounds.less_than(target, true);
  Roaring docs = scan_column(f, snapshot_.segments[s].segment->doc_count(), bounds);
  if (scores != nullptr) {
    for_each_doc(docs, [&](uint32_t doc) { (*scores)[doc] += static_cast<float>(boost); });
  }
  return docs;
}

Result<Roaring> Executor::range(const Query& q, const std::string& field, FieldType type,
                                size_t s) {
  const SegmentField& f = *snapshot_.segments[s].segment->field(field);
  if (f.has_dict()) {
    auto text = [](const std::optional<Json>& bound) {
      return bound ? value_text(*bound) : std::string();
    };
    Roaring docs;
    for (size_t ord = 0; ord < f.dict.size(); ++ord) {
      const std::string& v = f.dict[ord];
      if (q.gt && !(v > text(q.gt))) continue;
      if (q.gte && !(v >= text(q.gte))) continue;
      if (q.lt && !(v < text(q.lt))) continue;
      if (q.lte && !(v <= text(q.lte))) continue;
      docs |= f.postings[ord];
    }
    return docs;
  }
  int64_t zone = 0;
  if (!q.time_zone.empty()) {
    CAUDAL_ASSIGN_OR_RETURN(zone, parse_time_zone(q.time_zone));
  }
  auto bound = [&](const std::optional<Json>& b, bool round_up) -> Result<std::optional<double>> {
    if (!b || b->is_null()) return std::optional<double>();
    if (type == FieldType::kDate && b->is_string()) {
      CAUDAL_ASSIGN_OR_RETURN(int64_t millis,
                              eval_date_math(b->as_string(), now_ms_, round_up, zone));
      return std::optional<double>(static_cast<double>(millis));
    }
    if (b->is_number()) return std::optional<double>(b->as_double());
    const std::string text = value_text(*b);
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
      return Status(Errc::kParsing,
                    fmt::format("failed to create query: For input string: \"{}\"", text));
    }
    return std::optional<double>(number);
  };
  // Elasticsearch rounds gt/lte up and gte/lt down when date math rounds (`now/d`).
  CAUDAL_ASSIGN_OR_RETURN(std::optional<double> gt, bound(q.gt, true));
  CAUDAL_ASSIGN_OR_RETURN(std::optional<double> gte, bound(q.gte, false));
  CAUDAL_ASSIGN_OR_RETURN(std::optional<double> lt, bound(q.lt, false));
  CAUDAL_ASSIGN_OR_RETURN(std::optional<double> lte, bound(q.lte, true));
  ColumnBounds bounds;
  if (gt) bounds.greater_than(*gt, false);
  if (gte) bounds.greater_than(*gte, true);
  if (lt) bounds.less_than(*lt, false);
  if (lte) bounds.less_than(*lte, true);
  return scan_column(f, snapshot_.segments[s].segment->doc_count(), bounds);
}

Roaring Executor::pattern(const std::string& field, FieldType type, const std::string& text,
                          bool prefix, bool case_insensitive, size_t s) {
  const SegmentField& f = *snapshot_.segments[s].segment->field(field);
  const bool tokens = type == FieldType::kText;
  const std::vector<std::string>& dict = tokens ? f.tokens : f.dict;
  const std::string needle = case_insensitive || tokens ? lowercase(text) : text;
  Roaring docs;
  if (prefix && !case_insensitive) {
    auto it = std::lower_bound(dict.begin(), dict.end(), needle);
    for (; it != dict.end() && it->starts_with(needle); ++it) {
      const size_t i = it - dict.begin();
      docs |= tokens ? f.token_postings[i].docs : f.postings[i];
    }
    return docs;
  }
  const std::string glob = prefix ? needle + "*" : needle;
  for (size_t i = 0; i < dict.size(); ++i) {
    const std::string candidate = case_insensitive && !tokens ? lowercase(dict[i]) : dict[i];
    if (wildcard_match(glob, candidate)) docs |= tokens ? f.token_postings[i].docs : f.postings[i];
  }
  return docs;
}

}  // namespace caudal::index
