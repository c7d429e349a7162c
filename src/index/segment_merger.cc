#include "index/segment_merger.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include <fmt/format.h>

#include "index/doc_scan.h"
#include "index/errc.h"

namespace caudal::index {
namespace {

constexpr uint32_t kGone = std::numeric_limits<uint32_t>::max();

// Per input, each document's number in the merged segment (kGone when left out).
using Renumbering = std::vector<std::vector<uint32_t>>;

// The sorted union of the inputs' sorted term lists (`terms`: dict or tokens; none where an
// input lacks the field), and per input the merged position of each of its terms.
std::vector<std::string_view> merge_terms(const std::vector<const SegmentField*>& in,
                                          std::vector<std::string> SegmentField::*terms,
                                          std::vector<std::vector<uint32_t>>& positions) {
  std::vector<const std::vector<std::string>*> lists;
  for (const SegmentField* f : in) lists.push_back(f ? &(f->*terms) : nullptr);
  std::vector<std::string_view> all;
  for (const auto* list : lists) {
    if (list != nullptr) all.insert(all.end(), list->begin(), list->end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  positions.assign(lists.size(), {});
  for (size_t i = 0; i < lists.size(); ++i) {
    if (lists[i] == nullptr) continue;
    positions[i].reserve(lists[i]->size());
    size_t at = 0;
    for (const std::string& term : *lists[i]) {
      while (all[at] != term) ++at;
      positions[i].push_back(static_cast<uint32_t>(at));
    }
  }
  return all;
}

void merge_dictionary(const std::vector<const SegmentField*>& in, const Renumbering& renumber,
                      uint32_t n, SegmentField& out) {
  std::vector<std::vector<uint32_t>> positions;
  const std::vector<std::string_view> merged = merge_terms(in, &SegmentField::dict, positions);
  // Each merged value's documents, input after input (so ascending), by a counting sort.
  std::vector<uint32_t> starts(merged.size() + 1, 0);
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == nullptr) continue;
    for (size_t ord = 0; ord < in[i]->postings.size(); ++ord) {
      starts[positions[i][ord] + 1] += static_cast<uint32_t>(in[i]->postings[ord].cardinality());
    }
  }
  for (size_t m = 0; m < merged.size(); ++m) starts[m + 1] += starts[m];
  std::vector<uint32_t> docs(starts.back());
  std::vector<uint32_t> ends(starts.begin(), starts.end() - 1);
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == nullptr) continue;
    for (size_t ord = 0; ord < in[i]->postings.size(); ++ord) {
      uint32_t& end = ends[positions[i][ord]];
      for_each_doc(in[i]->postings[ord], [&](uint32_t doc) {
        const uint32_t now = renumber[i][doc];
        if (now != kGone) docs[end++] = now;
      });
    }
  }
  // Values held only by left-out documents are dropped, as a fresh build would.
  std::vector<uint32_t> final_ord(merged.size(), kGone);
  for (size_t m = 0; m < merged.size(); ++m) {
    if (ends[m] == starts[m]) continue;
    final_ord[m] = static_cast<uint32_t>(out.dict.size());
    out.dict.emplace_back(merged[m]);
    Roaring& postings = out.postings.emplace_back();
    postings.addMany(ends[m] - starts[m], docs.data() + starts[m]);
    postings.runOptimize();
  }
  out.ord_starts.assign(n + 1, 0);
  for (size_t i = 0; i < in.size(); ++i) {
    const SegmentField* f = in[i];
    if (f == nullptr || f->ord_starts.empty()) continue;
    for (uint32_t doc = 0; doc + 1 < f->ord_starts.size(); ++doc) {
      const uint32_t now = renumber[i][doc];
      if (now == kGone) continue;
      // The position map is increasing, so each document's ordinals stay ascending.
      for (uint32_t k = f->ord_starts[doc]; k < f->ord_starts[doc + 1]; ++k) {
        out.ords.push_back(final_ord[positions[i][f->ords[k]]]);
      }
      out.ord_starts[now + 1] = f->ord_starts[doc + 1] - f->ord_starts[doc];
    }
  }
  for (uint32_t d = 0; d < n; ++d) out.ord_starts[d + 1] += out.ord_starts[d];
}

void merge_tokens(const std::vector<const SegmentField*>& in, const Renumbering& renumber,
                  uint32_t n, SegmentField& out) {
  std::vector<std::vector<uint32_t>> positions;
  const std::vector<std::string_view> merged = merge_terms(in, &SegmentField::tokens, positions);
  std::vector<TokenPostings> postings(merged.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == nullptr) continue;
    for (size_t t = 0; t < in[i]->token_postings.size(); ++t) {
      const TokenPostings& from = in[i]->token_postings[t];
      TokenPostings& to = postings[positions[i][t]];
      for (size_t k = 0; k < from.doc_ids.size(); ++k) {
        const uint32_t now = renumber[i][from.doc_ids[k]];
        if (now == kGone) continue;
        to.doc_ids.push_back(now);
        to.freqs.push_back(from.freqs[k]);
      }
    }
  }
  for (size_t m = 0; m < merged.size(); ++m) {
    if (postings[m].doc_ids.empty()) continue;
    out.tokens.emplace_back(merged[m]);
    TokenPostings& kept = out.token_postings.emplace_back(std::move(postings[m]));
    kept.docs.addMany(kept.doc_ids.size(), kept.doc_ids.data());
    kept.docs.runOptimize();
  }
  out.lengths.assign(n, 0);
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == nullptr) continue;
    for (uint32_t doc = 0; doc < in[i]->lengths.size(); ++doc) {
      const uint32_t now = renumber[i][doc];
      if (now == kGone) continue;
      out.lengths[now] = in[i]->lengths[doc];
      out.total_length += in[i]->lengths[doc];
    }
  }
}

SegmentField merge_field(const std::vector<const SegmentField*>& in, const Renumbering& renumber,
                         uint32_t n) {
  SegmentField out;
  for (const SegmentField* f : in) {
    if (f != nullptr) {
      out.type = f->type;
      break;
    }
  }
  std::vector<uint32_t> docs;
  bool columns = false;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == nullptr) continue;
    columns |= !in[i]->values.empty();
    for_each_doc(in[i]->has_value, [&](uint32_t doc) {
      if (renumber[i][doc] != kGone) docs.push_back(renumber[i][doc]);
    });
  }
  out.has_value.addMany(docs.size(), docs.data());
  out.has_value.runOptimize();
  if (out.has_dict()) merge_dictionary(in, renumber, n, out);
  if (out.is_text()) merge_tokens(in, renumber, n, out);
  if (columns) {
    out.values.assign(n, 0.0);
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i] == nullptr) continue;
      for (uint32_t doc = 0; doc < in[i]->values.size(); ++doc) {
        if (renumber[i][doc] != kGone) out.values[renumber[i][doc]] = in[i]->values[doc];
      }
    }
  }
  out.summarize_column(n);
  return out;
}

}  // namespace

Result<std::shared_ptr<const Segment>> merge_segments(uint64_t seq,
                                                      const std::vector<MergeInput>& inputs,
                                                      std::vector<uint64_t> replaces) {
  Renumbering renumber(inputs.size());
  std::vector<DocMeta> metas;
  std::map<int32_t, int64_t> next_offsets;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Segment& segment = *inputs[i].segment;
    renumber[i].assign(segment.doc_count(), kGone);
    for (uint32_t doc = 0; doc < segment.doc_count(); ++doc) {
      if (inputs[i].deletes != nullptr && inputs[i].deletes->contains(doc)) continue;
      renumber[i][doc] = static_cast<uint32_t>(metas.size());
      metas.push_back(segment.meta(doc));
    }
    for (const auto& [partition, next] : segment.next_offsets()) {
      int64_t& known = next_offsets[partition];
      known = std::max(known, next);
    }
  }
  const uint32_t n = static_cast<uint32_t>(metas.size());
  // Sources: a block whose documents are all kept is taken as it is; one with some left out
  // is compressed again with the others.
  std::vector<SourceBlock> blocks;
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (const SourceBlock& block : inputs[i].segment->blocks()) {
      const uint32_t first = block.first_doc;
      const uint32_t last = first + block.doc_count - 1;
      if (last >= renumber[i].size()) {
        return Status(Errc::kCorruptSegment,
                      fmt::format("source block at document {} beyond the segment", first));
      }
      bool whole = true;
      for (uint32_t doc = first; doc <= last; ++doc) whole &= renumber[i][doc] != kGone;
      if (whole) {
        SourceBlock copy = block;
        copy.first_doc = renumber[i][first];
        blocks.push_back(std::move(copy));
        continue;
      }
      CAUDAL_ASSIGN_OR_RETURN(std::vector<std::string> sources, decode_block(block));
      std::vector<std::string> kept;
      uint32_t at = kGone;
      for (uint32_t k = 0; k < sources.size(); ++k) {
        const uint32_t now = renumber[i][first + k];
        if (now == kGone) continue;
        if (at == kGone) at = now;
        kept.push_back(std::move(sources[k]));
      }
      if (!kept.empty()) blocks.push_back(encode_block(at, kept));
    }
  }
  SegmentFields fields;
  std::map<std::string_view, std::vector<const SegmentField*>> by_name;
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (const auto& [name, field] : inputs[i].segment->fields()) {
      auto& in = by_name[name];
      in.resize(inputs.size(), nullptr);
      in[i] = &field;
    }
  }
  for (const auto& [name, in] : by_name) {
    SegmentField field = merge_field(in, renumber, n);
    // A field only left-out documents had is not part of the merged segment.
    if (!field.has_value.isEmpty()) fields.emplace(std::string(name), std::move(field));
  }
  return Segment::restore(seq, std::move(metas), std::move(next_offsets), std::move(replaces),
                          std::move(fields), std::move(blocks));
}

}  // namespace caudal::index
