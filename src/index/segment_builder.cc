#include "index/segment_builder.h"

#include <algorithm>
#include <cstdlib>
#include <zstd.h>

#include "common/byte_writer.h"
#include "common/check.h"
#include "index/analyzer.h"
#include "index/date.h"

namespace caudal::index {
namespace {

// Elasticsearch's dynamic `.keyword` view ignores values longer than this; so does ours (the
// value stays searchable as text and in _source).
constexpr size_t kIgnoreAbove = 256;
constexpr int kMaxDepth = 32;
constexpr int kZstdLevel = 3;


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

SourceBlock compress_block(uint32_t first, const std::vector<std::string>& raw, uint32_t count) {
  ByteWriter writer;
  for (uint32_t i = 0; i < count; ++i) {
    writer.write_uvarint(raw[first + i].size());
    writer.write_string(raw[first + i]);
  }
  const Bytes plain = writer.take();
  SourceBlock block;
  block.first_doc = first;
  block.doc_count = count;
  block.compressed.resize(ZSTD_compressBound(plain.size()));
  const size_t size = ZSTD_compress(block.compressed.data(), block.compressed.size(), plain.data(),
                                    plain.size(), kZstdLevel);
  CAUDAL_CHECK(!ZSTD_isError(size), "zstd compression into a bound-sized buffer failed");
  block.compressed.resize(size);
  return block;
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

SegmentBuilder::SegmentBuilder(uint64_t seq, Mappings& mappings) : seq_(seq), mappings_(mappings) {}

SegmentBuilder::FieldBuild& SegmentBuilder::field(const std::string& name, FieldType type) {
  auto it = fields_.find(name);
  if (it == fields_.end()) it = fields_.emplace(name, FieldBuild{type, {}, {}, {}, {}, {}, {}}).first;
  return it->second;
}

void SegmentBuilder::index_value(const std::string& name, const Json& value, uint32_t doc) {
  if (value.is_null()) return;
  const std::optional<FieldType> type = mappings_.observe(name, value);
  if (!type) return;
  FieldBuild& f = field(name, *type);
  if (*type == FieldType::kText || *type == FieldType::kKeyword) {
    std::string dumped;
    const std::string_view text = value.is_string() ? value.as_string() : (dumped = value.dump());
    if (*type == FieldType::kText) {
      uint32_t count = 0;
      for_each_token(text, [&](std::string_view token) {
        ++count;
        auto it = f.tokens.find(token);
        if (it == f.tokens.end()) it = f.tokens.emplace(std::string(token), 0).first;
        auto& postings = it->second;
        if (!postings.empty() && postings.back().first == doc) {
          ++postings.back().second;
        } else {
          postings.emplace_back(doc, 1);
        }
      });
      if (!f.lengths.empty() && f.lengths.back().first == doc) {
        f.lengths.back().second += count;
      } else {
        f.lengths.emplace_back(doc, count);
      }
      if (text.size() > kIgnoreAbove) return;
    }
    auto it = f.value_ids.find(text);
    if (it == f.value_ids.end()) {
      it = f.value_ids.emplace(std::string(text), static_cast<uint32_t>(f.value_docs.size())).first;
      f.value_docs.emplace_back();
    }
    std::vector<uint32_t>& docs = f.value_docs[it->second];
    if (docs.empty() || docs.back() != doc) docs.push_back(doc);
    f.doc_values.emplace_back(doc, it->second);
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

void SegmentBuilder::index_object(const std::string& prefix, const Json& object, uint32_t doc,
                                  int depth) {
  if (depth > kMaxDepth) return;
  for (const auto& [key, value] : object.members()) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    const std::optional<FieldType> mapped = mappings_.type_of(name);
    if (mapped == FieldType::kGeoPoint) {
      index_value(name, value, doc);
      continue;
    }
    auto visit = [&](const Json& item, auto&& self) -> void {
      if (item.is_object()) {
        index_object(name, item, doc, depth + 1);
      } else if (item.is_array()) {
        for (const Json& element : item.items()) self(element, self);
      } else {
        index_value(name, item, doc);
      }
    };
    visit(value, visit);
  }
}

void SegmentBuilder::add(DocMeta meta, const Json& source, std::string_view raw) {
  const uint32_t doc = static_cast<uint32_t>(metas_.size());
  metas_.push_back(std::move(meta));
  raw_.emplace_back(raw);
  if (source.is_object()) index_object("", source, doc, 0);
}

void SegmentBuilder::note_position(int32_t partition, int64_t next_offset) {
  int64_t& known = next_offsets_[partition];
  known = std::max(known, next_offset);
}

std::shared_ptr<const Segment> SegmentBuilder::build(std::vector<SourceBlock> blocks) {
  auto segment = std::make_shared<Segment>();
  const uint32_t n = doc_count();
  segment->seq_ = seq_;
  segment->next_offsets_ = next_offsets_;
  segment->replaces_ = replaces_;
  for (auto& [name, build] : fields_) {
    SegmentField& out = segment->fields_[name];
    out.type = build.type;
    if (!build.value_ids.empty() || build.type == FieldType::kText ||
        build.type == FieldType::kKeyword) {
      std::vector<std::pair<std::string_view, uint32_t>> sorted;
      sorted.reserve(build.value_ids.size());
      for (const auto& [value, id] : build.value_ids) sorted.emplace_back(value, id);
      std::sort(sorted.begin(), sorted.end());
      std::vector<uint32_t> ord_of(sorted.size());
      out.dict.reserve(sorted.size());
      out.postings.resize(sorted.size());
      for (size_t ord = 0; ord < sorted.size(); ++ord) {
        out.dict.emplace_back(sorted[ord].first);
        ord_of[sorted[ord].second] = static_cast<uint32_t>(ord);
        const std::vector<uint32_t>& docs = build.value_docs[sorted[ord].second];
        out.postings[ord].addMany(docs.size(), docs.data());
        out.postings[ord].runOptimize();
      }
      out.ord_starts.assign(n + 1, 0);
      std::vector<std::pair<uint32_t, uint32_t>> pairs;
      pairs.reserve(build.doc_values.size());
      for (const auto& [doc, id] : build.doc_values) pairs.emplace_back(doc, ord_of[id]);
      std::sort(pairs.begin(), pairs.end());
      pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
      for (const auto& [doc, ord] : pairs) {
        ++out.ord_starts[doc + 1];
        out.ords.push_back(ord);
        out.has_value.add(doc);
      }
      for (uint32_t d = 0; d < n; ++d) out.ord_starts[d + 1] += out.ord_starts[d];
    }
    if (build.type == FieldType::kText) {
      std::vector<std::pair<std::string_view, const std::vector<std::pair<uint32_t, uint32_t>>*>>
          sorted;
      sorted.reserve(build.tokens.size());
      for (const auto& [token, postings] : build.tokens) sorted.emplace_back(token, &postings);
      std::sort(sorted.begin(), sorted.end());
      out.tokens.reserve(sorted.size());
      out.token_postings.resize(sorted.size());
      for (size_t t = 0; t < sorted.size(); ++t) {
        out.tokens.emplace_back(sorted[t].first);
        TokenPostings& postings = out.token_postings[t];
        postings.doc_ids.reserve(sorted[t].second->size());
        postings.freqs.reserve(sorted[t].second->size());
        for (const auto& [doc, freq] : *sorted[t].second) {
          postings.doc_ids.push_back(doc);
          postings.freqs.push_back(freq);
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
    for (uint32_t first = 0; first < n; first += kDocsPerBlock) {
      blocks.push_back(compress_block(first, raw_, std::min(kDocsPerBlock, n - first)));
    }
  }
  segment->blocks_ = std::move(blocks);
  segment->set_docs(std::move(metas_));
  return segment;
}

}  // namespace caudal::index
