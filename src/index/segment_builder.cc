#include "index/segment_builder.h"

#include <algorithm>
#include <cstdlib>

#include "index/analyzer.h"
#include "index/date.h"

namespace caudal::index {
namespace {

// Elasticsearch's dynamic `.keyword` view ignores values longer than this; so does ours (the
// value stays searchable as text and in _source).
constexpr size_t kIgnoreAbove = 256;
constexpr int kMaxDepth = 32;


std::optional<double> numeric_value(FieldType type, const Json& value) {
  switch (type) {
    case FieldType::kBoolean:
      if (value.is_bool()) return value.as_bool() ? 1.0 : 0.0;
      return value.as_string() == "true" ? 1.0 : 0.0;
    case FieldType::kDate:
      if (value.is_int()) return static_cast<double>(value.as_int());
      if (auto date = parse_iso_date(value.as_string())) return static_cast<double>(*date);
      return std::nullopt;
    default:
      if (value.is_number()) return value.as_double();
      if (value.is_string()) return std::strtod(value.as_string().c_str(), nullptr);
      return std::nullopt;
  }
}


// The terms of a field in sorted order (into `dict`) and, per ordinal, its documents: a
// counting sort of the (doc, term number) list, which is in document order, so each
// ordinal's documents come out ascending.
struct Ordered {
  std::vector<uint32_t> ord_of;  // term number -> ordinal
  std::vector<uint32_t> starts;  // ordinal -> first index in docs; one more at the end
  std::vector<uint32_t> docs;
};

Ordered order_terms(const TermTable& terms,
                    const std::vector<std::pair<uint32_t, uint32_t>>& doc_terms,
                    std::vector<std::string>& dict) {
  const uint32_t count = terms.size();
  // The texts sit beside their numbers so the sort compares without looking them up.
  std::vector<std::pair<std::string_view, uint32_t>> by_text(count);
  for (uint32_t id = 0; id < count; ++id) by_text[id] = {terms.term(id), id};
  std::sort(by_text.begin(), by_text.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Ordered out;
  out.ord_of.resize(count);
  dict.reserve(count);
  for (uint32_t ord = 0; ord < count; ++ord) {
    dict.emplace_back(by_text[ord].first);
    out.ord_of[by_text[ord].second] = ord;
  }
  out.starts.assign(count + 1, 0);
  for (const auto& [doc, id] : doc_terms) ++out.starts[out.ord_of[id] + 1];
  for (uint32_t ord = 0; ord < count; ++ord) out.starts[ord + 1] += out.starts[ord];
  out.docs.resize(doc_terms.size());
  std::vector<uint32_t> cursor(out.starts.begin(), out.starts.end() - 1);
  for (const auto& [doc, id] : doc_terms) out.docs[cursor[out.ord_of[id]]++] = doc;
  return out;
}

}  // namespace

void collect_values(const Json& source, std::string_view path, std::vector<const Json*>& out) {
  if (source.is_array()) {
    for (const Json& item : source.items()) collect_values(item, path, out);
    return;
  }
  if (path.empty()) {
    if (!source.is_object()) out.push_back(&source);
    return;
  }
  if (!source.is_object()) return;
  for (const auto& [key, value] : source.members()) {
    if (path == key) {
      collect_values(value, std::string_view(), out);
    } else if (path.size() > key.size() && path.starts_with(key) && path[key.size()] == '.') {
      collect_values(value, path.substr(key.size() + 1), out);
    }
  }
}

SegmentBuilder::SegmentBuilder(Mappings& mappings) : mappings_(mappings) {}

SegmentBuilder::FieldSlot& SegmentBuilder::slot(std::string_view name) {
  const uint32_t id = names_.intern(name);
  if (id == slots_.size()) slots_.emplace_back();
  FieldSlot& slot = slots_[id];
  if (!slot.type) {
    // Types are only ever added to the mappings while a builder lives, never changed.
    auto known = mappings_.fields().find(name);
    if (known != mappings_.fields().end()) slot.type = known->second;
  }
  return slot;
}

void SegmentBuilder::index_value(FieldSlot& slot, std::string_view name, const Json& value,
                                 uint32_t doc) {
  if (value.is_null()) return;
  std::optional<FieldType> type;
  if (slot.type) {
    if (Mappings::fits(*slot.type, value)) type = slot.type;
  } else {
    type = slot.type = mappings_.observe(name, value);
  }
  if (!type) return;
  if (slot.build == nullptr) {
    auto it = fields_.find(std::string(name));
    if (it == fields_.end()) {
      it = fields_.emplace(std::string(name), FieldBuild{*type, {}, {}, {}, {}, {}, {}}).first;
    }
    slot.build = &it->second;
  }
  FieldBuild& f = *slot.build;
  if (*type == FieldType::kText || *type == FieldType::kKeyword) {
    std::string dumped;
    const std::string_view text = value.is_string() ? value.as_string() : (dumped = value.dump());
    if (*type == FieldType::kText) {
      uint32_t count = 0;
      for_each_token(text, [&](std::string_view token) {
        ++count;
        f.doc_tokens.emplace_back(doc, f.tokens.intern(token));
      });
      if (!f.lengths.empty() && f.lengths.back().first == doc) {
        f.lengths.back().second += count;
      } else {
        f.lengths.emplace_back(doc, count);
      }
      if (text.size() > kIgnoreAbove) return;
    }
    f.doc_values.emplace_back(doc, f.values.intern(text));
    return;
  }
  if (*type == FieldType::kGeoPoint) {
    // Kept in _source and for exists; no geo queries yet (docs/search.md).
    f.numbers.emplace_back(doc, 0.0);
    return;
  }
  const std::optional<double> number = numeric_value(*type, value);
  if (!number) return;
  if (f.numbers.empty() || f.numbers.back().first != doc) f.numbers.emplace_back(doc, *number);
}

void SegmentBuilder::index_object(std::string_view prefix, const Json& object, uint32_t doc,
                                  int depth) {
  if (depth > kMaxDepth) return;
  std::string joined;
  for (const auto& [key, value] : object.members()) {
    std::string_view name = key;
    if (!prefix.empty()) {
      joined.assign(prefix).append(".").append(key);
      name = joined;
    }
    FieldSlot& here = slot(name);
    if (here.type == FieldType::kGeoPoint) {
      index_value(here, name, value, doc);
      continue;
    }
    auto visit = [&](const Json& item, auto&& self) -> void {
      if (item.is_object()) {
        index_object(name, item, doc, depth + 1);
      } else if (item.is_array()) {
        for (const Json& element : item.items()) self(element, self);
      } else {
        index_value(here, name, item, doc);
      }
    };
    visit(value, visit);
  }
}

void SegmentBuilder::add(DocMeta meta, const Json& source, std::string_view raw) {
  const uint32_t doc = static_cast<uint32_t>(metas_.size());
  metas_.push_back(std::move(meta));
  append_to_block(open_block_, raw);
  source_bytes_ += raw.size();
  if (doc_count() % kDocsPerBlock == 0) {
    blocks_.push_back(compress_block(doc_count() - kDocsPerBlock, kDocsPerBlock, open_block_));
    open_block_.clear();
  }
  if (source.is_object()) index_object("", source, doc, 0);
}

void SegmentBuilder::note_position(int32_t partition, int64_t next_offset) {
  int64_t& known = next_offsets_[partition];
  known = std::max(known, next_offset);
}

std::shared_ptr<const Segment> SegmentBuilder::build(uint64_t seq, std::vector<SourceBlock> blocks) {
  auto segment = std::make_shared<Segment>();
  const uint32_t n = doc_count();
  segment->seq_ = seq;
  segment->next_offsets_ = next_offsets_;
  segment->replaces_ = replaces_;
  for (auto& [name, build] : fields_) {
    SegmentField& out = segment->fields_[name];
    out.type = build.type;
    if (build.values.size() > 0 || build.type == FieldType::kText ||
        build.type == FieldType::kKeyword) {
      Ordered values = order_terms(build.values, build.doc_values, out.dict);
      out.postings.resize(values.starts.size() - 1);
      for (size_t ord = 0; ord + 1 < values.starts.size(); ++ord) {
        // A document repeating a value in an array appears twice; the bitmap absorbs it.
        out.postings[ord].addMany(values.starts[ord + 1] - values.starts[ord],
                                  values.docs.data() + values.starts[ord]);
        out.postings[ord].runOptimize();
      }
      // Per document its distinct ordinals, ascending.
      out.ord_starts.assign(n + 1, 0);
      out.ords.reserve(build.doc_values.size());
      std::vector<uint32_t> mine;
      for (size_t i = 0; i < build.doc_values.size();) {
        const uint32_t doc = build.doc_values[i].first;
        mine.clear();
        for (; i < build.doc_values.size() && build.doc_values[i].first == doc; ++i) {
          mine.push_back(values.ord_of[build.doc_values[i].second]);
        }
        std::sort(mine.begin(), mine.end());
        mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
        out.ords.insert(out.ords.end(), mine.begin(), mine.end());
        out.ord_starts[doc + 1] = static_cast<uint32_t>(mine.size());
        out.has_value.add(doc);
      }
      for (uint32_t d = 0; d < n; ++d) out.ord_starts[d + 1] += out.ord_starts[d];
    }
    if (build.type == FieldType::kText) {
      Ordered tokens = order_terms(build.tokens, build.doc_tokens, out.tokens);
      out.token_postings.resize(tokens.starts.size() - 1);
      for (size_t t = 0; t + 1 < tokens.starts.size(); ++t) {
        // A token's documents ascending, each as often as the token occurs in it.
        TokenPostings& postings = out.token_postings[t];
        for (uint32_t i = tokens.starts[t]; i < tokens.starts[t + 1]; ++i) {
          const uint32_t doc = tokens.docs[i];
          if (!postings.doc_ids.empty() && postings.doc_ids.back() == doc) {
            ++postings.freqs.back();
          } else {
            postings.doc_ids.push_back(doc);
            postings.freqs.push_back(1);
          }
        }
        postings.docs.addMany(postings.doc_ids.size(), postings.doc_ids.data());
        postings.docs.runOptimize();
      }
      out.lengths.assign(n, 0);
      for (const auto& [doc, length] : build.lengths) {
        out.lengths[doc] = length;
        out.total_length += length;
        out.has_value.add(doc);
      }
    }
    if (!build.numbers.empty()) {
      out.values.assign(n, 0.0);
      for (const auto& [doc, value] : build.numbers) {
        out.values[doc] = value;
        out.has_value.add(doc);
      }
    }
    out.has_value.runOptimize();
    out.summarize_column(n);
  }
  if (blocks.empty()) {
    if (n % kDocsPerBlock != 0) {
      const uint32_t first = n - n % kDocsPerBlock;
      blocks_.push_back(compress_block(first, n - first, open_block_));
    }
    blocks = std::move(blocks_);
  }
  segment->blocks_ = std::move(blocks);
  segment->set_docs(std::move(metas_));
  return segment;
}

}  // namespace caudal::index
