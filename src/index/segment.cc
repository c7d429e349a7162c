#include "index/segment.h"

#include <algorithm>
#include <limits>
#include <zstd.h>

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "common/check.h"
#include "index/doc_scan.h"
#include "index/errc.h"

namespace caudal::index {
namespace {

// Level 1 compresses these blocks within 2% of level 3 at about twice its speed (web logs,
// 128-document blocks), and sources are compressed on the indexing path.
constexpr int kSourceZstdLevel = 1;

// One zstd context per thread and kind, reused: a fresh context per block is allocated and
// initialised each time, which costs about as much as compressing (or decompressing) the
// block itself.
template <typename Context, Context* (*create)(), size_t (*destroy)(Context*)>
Context& thread_context() {
  struct Held {
    Context* context = create();
    ~Held() { destroy(context); }
  };
  thread_local Held held;
  CAUDAL_CHECK(held.context != nullptr, "zstd could not allocate a context");
  return *held.context;
}

ZSTD_CCtx& compression_context() {
  return thread_context<ZSTD_CCtx, ZSTD_createCCtx, ZSTD_freeCCtx>();
}

ZSTD_DCtx& decompression_context() {
  return thread_context<ZSTD_DCtx, ZSTD_createDCtx, ZSTD_freeDCtx>();
}

}  // namespace

int64_t SegmentField::find_ord(std::string_view value) const {
  auto it = std::lower_bound(dict.begin(), dict.end(), value);
  if (it == dict.end() || *it != value) return -1;
  return it - dict.begin();
}

int64_t SegmentField::find_token(std::string_view token) const {
  auto it = std::lower_bound(tokens.begin(), tokens.end(), token);
  if (it == tokens.end() || *it != token) return -1;
  return it - tokens.begin();
}

void SegmentField::summarize_column(uint32_t doc_count) {
  run_min.clear();
  run_max.clear();
  dense = false;
  if (values.empty()) return;
  const size_t runs = (static_cast<size_t>(doc_count) + kColumnRunDocs - 1) / kColumnRunDocs;
  run_min.assign(runs, std::numeric_limits<double>::infinity());
  run_max.assign(runs, -std::numeric_limits<double>::infinity());
  auto note = [&](uint32_t doc) {
    const double v = values[doc];
    double& low = run_min[doc / kColumnRunDocs];
    double& high = run_max[doc / kColumnRunDocs];
    low = std::min(low, v);
    high = std::max(high, v);
  };
  dense = has_value.cardinality() == doc_count;
  if (dense) {
    for (uint32_t doc = 0; doc < doc_count; ++doc) note(doc);
  } else {
    for_each_doc(has_value, note);
  }
}

std::shared_ptr<const Segment> Segment::restore(uint64_t seq, std::vector<DocMeta> docs,
                                                std::map<int32_t, int64_t> next_offsets,
                                                std::vector<uint64_t> replaces,
                                                SegmentFields fields,
                                                std::vector<SourceBlock> blocks) {
  auto segment = std::make_shared<Segment>();
  segment->seq_ = seq;
  segment->set_docs(std::move(docs));
  segment->next_offsets_ = std::move(next_offsets);
  segment->replaces_ = std::move(replaces);
  segment->fields_ = std::move(fields);
  segment->blocks_ = std::move(blocks);
  return segment;
}

void Segment::set_docs(std::vector<DocMeta> docs) {
  docs_ = std::move(docs);
  if (docs_.empty()) return;
  min_timestamp_ = docs_[0].timestamp;
  max_timestamp_ = docs_[0].timestamp;
  for (const DocMeta& meta : docs_) {
    min_timestamp_ = std::min(min_timestamp_, meta.timestamp);
    max_timestamp_ = std::max(max_timestamp_, meta.timestamp);
  }
}

const SegmentField* Segment::field(std::string_view name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? nullptr : &it->second;
}

Status decompress_block(const SourceBlock& block, std::string& plain,
                        std::vector<std::string_view>& docs) {
  const unsigned long long size =
      ZSTD_getFrameContentSize(block.compressed.data(), block.compressed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 31)) {
    return Status(
        Errc::kCorruptSegment,
        fmt::format("source block at document {} has no valid zstd frame header", block.first_doc));
  }
  plain.resize(size);
  const size_t got = ZSTD_decompressDCtx(&decompression_context(), plain.data(), plain.size(),
                                         block.compressed.data(), block.compressed.size());
  if (ZSTD_isError(got) || got != size) {
    return Status(Errc::kCorruptSegment,
                  fmt::format("source block at document {} does not decompress", block.first_doc));
  }
  docs.clear();
  docs.reserve(block.doc_count);
  ByteReader reader(ByteView(reinterpret_cast<const uint8_t*>(plain.data()), plain.size()));
  for (uint32_t i = 0; i < block.doc_count; ++i) {
    const uint64_t length = reader.read_uvarint64();
    const ByteView bytes = reader.read_bytes(static_cast<size_t>(length));
    if (reader.failed()) {
      return Status(
          Errc::kCorruptSegment,
          fmt::format("source block at document {}: document {} is truncated", block.first_doc, i));
    }
    docs.emplace_back(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  return Status();
}

Result<std::vector<std::string>> decode_block(const SourceBlock& block) {
  std::string plain;
  std::vector<std::string_view> views;
  CAUDAL_RETURN_IF_ERROR(decompress_block(block, plain, views));
  return std::vector<std::string>(views.begin(), views.end());
}

void append_to_block(std::string& plain, std::string_view doc) {
  uint8_t length[kMaxVarint64Bytes];
  plain.append(reinterpret_cast<const char*>(length), encode_varint(length, doc.size()));
  plain.append(doc);
}

SourceBlock compress_block(uint32_t first_doc, uint32_t doc_count, std::string_view plain) {
  SourceBlock block;
  block.first_doc = first_doc;
  block.doc_count = doc_count;
  block.compressed.resize(ZSTD_compressBound(plain.size()));
  const size_t size =
      ZSTD_compressCCtx(&compression_context(), block.compressed.data(), block.compressed.size(),
                        plain.data(), plain.size(), kSourceZstdLevel);
  CAUDAL_CHECK(!ZSTD_isError(size), "zstd compression into a bound-sized buffer failed");
  block.compressed.resize(size);
  return block;
}

SourceBlock encode_block(uint32_t first_doc, std::span<const std::string> docs) {
  std::string plain;
  for (const std::string& doc : docs) append_to_block(plain, doc);
  return compress_block(first_doc, static_cast<uint32_t>(docs.size()), plain);
}

Result<std::string_view> SourceReader::read(const Segment& segment, uint32_t doc) {
  // Blocks hold up to kDocsPerBlock documents each (fewer after a merge left some out).
  const std::vector<SourceBlock>& blocks = segment.blocks();
  auto after = std::upper_bound(blocks.begin(), blocks.end(), doc,
                                [](uint32_t d, const SourceBlock& b) { return d < b.first_doc; });
  if (after == blocks.begin()) {
    return Status(Errc::kCorruptSegment, fmt::format("no source block for document {}", doc));
  }
  const size_t block = static_cast<size_t>(after - blocks.begin()) - 1;
  if (segment_ != &segment || block_ != block) {
    segment_ = nullptr;
    CAUDAL_RETURN_IF_ERROR(decompress_block(segment.blocks()[block], plain_, docs_));
    segment_ = &segment;
    block_ = block;
  }
  const uint32_t at = doc - segment.blocks()[block].first_doc;
  if (at >= docs_.size()) return Status(Errc::kCorruptSegment, "source block too short");
  return docs_[at];
}

Result<std::string> Segment::source(uint32_t doc) const {
  SourceReader reader;
  CAUDAL_ASSIGN_OR_RETURN(std::string_view text, reader.read(*this, doc));
  return std::string(text);
}

uint64_t Segment::source_bytes() const {
  uint64_t bytes = 0;
  for (const SourceBlock& block : blocks_) bytes += block.compressed.size();
  return bytes;
}

uint64_t Segment::memory_bytes() const {
  uint64_t bytes = source_bytes() + docs_.size() * (sizeof(DocMeta) + 16);
  for (const auto& [name, field] : fields_) {
    bytes += field.has_value.getSizeInBytes();
    for (const std::string& value : field.dict) bytes += value.size() + 32;
    for (const Roaring& posting : field.postings) bytes += posting.getSizeInBytes();
    bytes += (field.ord_starts.size() + field.ords.size() + field.lengths.size()) * 4;
    for (const std::string& token : field.tokens) bytes += token.size() + 32;
    for (const TokenPostings& posting : field.token_postings) {
      bytes += posting.docs.getSizeInBytes() + posting.doc_ids.size() * 8;
    }
    bytes += field.values.size() * 8;
  }
  return bytes;
}

}  // namespace caudal::index
