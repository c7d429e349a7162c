#include "index/field_codec.h"

#include <bit>
#include <stdexcept>
#include <zstd.h>

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "common/check.h"
#include "index/errc.h"

namespace caudal::index {
namespace {

// Fast to write (refresh is on the indexing path) and fast to read (open); the bitmaps and
// varints are already compact, zstd mostly takes the dictionaries' shared prefixes.
constexpr int kZstdLevel = 1;
// A decoded field section larger than this is damage, not data.
constexpr uint64_t kMaxDecodedBytes = 1ull << 34;

void write_text(ByteWriter& w, std::string_view text) {
  w.write_uvarint(text.size());
  w.write_string(text);
}

void write_bitmap(ByteWriter& w, const Roaring& bitmap) {
  const size_t size = bitmap.getSizeInBytes(true);
  w.write_uvarint(size);
  bitmap.write(reinterpret_cast<char*>(w.grow(size)), true);
}

// Appends the varints of `count` numbers (number(i) for each i) in one write: a field's lists
// run to millions of numbers, and a write per number costs more than its encoding.
template <typename Number>
void write_varints(ByteWriter& w, size_t count, Number&& number) {
  std::vector<uint8_t> bytes(count * kMaxVarint32Bytes);
  size_t used = 0;
  for (size_t i = 0; i < count; ++i) used += encode_varint(bytes.data() + used, number(i));
  w.write_bytes(ByteView(bytes.data(), used));
}

void write_texts(ByteWriter& w, const std::vector<std::string>& texts) {
  w.write_uvarint(texts.size());
  for (const std::string& text : texts) write_text(w, text);
}

// Ascending numbers as the first, then differences.
void write_ascending(ByteWriter& w, const std::vector<uint32_t>& numbers) {
  w.write_uvarint(numbers.size());
  write_varints(w, numbers.size(),
                [&](size_t i) { return numbers[i] - (i == 0 ? 0 : numbers[i - 1]); });
}

void write_numbers(ByteWriter& w, const std::vector<uint32_t>& numbers) {
  w.write_uvarint(numbers.size());
  write_varints(w, numbers.size(), [&](size_t i) { return numbers[i]; });
}

void write_field(ByteWriter& w, const SegmentField& field) {
  w.write_u8(static_cast<uint8_t>(field.type));
  write_bitmap(w, field.has_value);
  write_texts(w, field.dict);
  for (const Roaring& postings : field.postings) write_bitmap(w, postings);
  write_ascending(w, field.ord_starts);
  write_numbers(w, field.ords);
  write_texts(w, field.tokens);
  for (const TokenPostings& postings : field.token_postings) {
    write_ascending(w, postings.doc_ids);
    write_varints(w, postings.freqs.size(), [&](size_t i) { return postings.freqs[i]; });
  }
  write_numbers(w, field.lengths);
  w.write_uvarint(field.values.size());
  uint8_t* column = w.grow(field.values.size() * 8);
  for (size_t i = 0; i < field.values.size(); ++i) {
    store_be64(column + i * 8, std::bit_cast<uint64_t>(field.values[i]));
  }
}

// Reads one field; the first problem found is returned as a short description.
class FieldReader {
 public:
  FieldReader(ByteReader& r, uint32_t doc_count) : r_(r), doc_count_(doc_count) {}

  Result<SegmentField> read() {
    SegmentField field;
    const uint8_t type = r_.read_u8();
    if (type > static_cast<uint8_t>(FieldType::kGeoPoint)) return bad("unknown field type");
    field.type = static_cast<FieldType>(type);
    CAUDAL_ASSIGN_OR_RETURN(field.has_value, bitmap());
    CAUDAL_ASSIGN_OR_RETURN(field.dict, texts());
    field.postings.reserve(field.dict.size());
    for (size_t i = 0; i < field.dict.size(); ++i) {
      CAUDAL_ASSIGN_OR_RETURN(Roaring postings, bitmap());
      field.postings.push_back(std::move(postings));
    }
    CAUDAL_ASSIGN_OR_RETURN(field.ord_starts, ascending(doc_count_ + 1ull));
    CAUDAL_ASSIGN_OR_RETURN(field.ords, numbers(UINT32_MAX));
    if (!field.ord_starts.empty() &&
        (field.ord_starts.size() != doc_count_ + 1ull || field.ord_starts[0] != 0 ||
         field.ord_starts.back() != field.ords.size())) {
      return bad("ordinal starts do not match the documents");
    }
    if (field.ord_starts.empty() && !field.ords.empty()) return bad("ordinals without starts");
    for (uint32_t ord : field.ords) {
      if (ord >= field.dict.size()) return bad("ordinal out of range");
    }
    CAUDAL_ASSIGN_OR_RETURN(field.tokens, texts());
    field.token_postings.reserve(field.tokens.size());
    for (size_t i = 0; i < field.tokens.size(); ++i) {
      TokenPostings postings;
      CAUDAL_ASSIGN_OR_RETURN(postings.doc_ids, ascending(doc_count_));
      if (!postings.doc_ids.empty() && postings.doc_ids.back() >= doc_count_) {
        return bad("token posting beyond the last document");
      }
      postings.freqs.reserve(postings.doc_ids.size());
      for (size_t j = 0; j < postings.doc_ids.size(); ++j) postings.freqs.push_back(r_.read_uvarint32());
      postings.docs.addMany(postings.doc_ids.size(), postings.doc_ids.data());
      postings.docs.runOptimize();
      field.token_postings.push_back(std::move(postings));
    }
    CAUDAL_ASSIGN_OR_RETURN(field.lengths, numbers(UINT32_MAX));
    if (!field.lengths.empty() && field.lengths.size() != doc_count_) {
      return bad("token counts do not match the documents");
    }
    for (uint32_t length : field.lengths) field.total_length += length;
    const uint64_t values = r_.read_uvarint64();
    if (values != 0 && values != doc_count_) return bad("column does not match the documents");
    field.values.reserve(values);
    for (uint64_t i = 0; i < values && !r_.failed(); ++i) {
      field.values.push_back(std::bit_cast<double>(r_.read_be64()));
    }
    if (r_.failed()) return bad(r_.status().message());
    field.summarize_column(doc_count_);
    return field;
  }

  Result<std::string> text() {
    const uint64_t length = r_.read_uvarint64();
    if (length > r_.remaining()) return bad("text beyond the end");
    const ByteView bytes = r_.read_bytes(static_cast<size_t>(length));
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }

 private:
  Status bad(std::string_view what) const { return Status(Errc::kCorruptSegment, std::string(what)); }

  Result<std::vector<std::string>> texts() {
    const uint64_t count = r_.read_uvarint64();
    if (count > r_.remaining()) return bad("text count beyond the end");
    std::vector<std::string> out;
    out.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      CAUDAL_ASSIGN_OR_RETURN(std::string value, text());
      out.push_back(std::move(value));
    }
    return out;
  }

  Result<Roaring> bitmap() {
    CAUDAL_ASSIGN_OR_RETURN(std::string bytes, text());
    Roaring out;
    try {
      out = Roaring::readSafe(bytes.data(), bytes.size());
    } catch (const std::exception&) {
      return bad("a bitmap does not decode");
    }
    if (out.getSizeInBytes(true) != bytes.size()) return bad("a bitmap has trailing bytes");
    if (!out.isEmpty() && out.maximum() >= doc_count_) return bad("a bitmap names no document");
    return out;
  }

  Result<std::vector<uint32_t>> ascending(uint64_t max_count) { return numbers(max_count, true); }

  // A count, then that many numbers; with `deltas`, each after the first adds to the previous.
  Result<std::vector<uint32_t>> numbers(uint64_t max_count, bool deltas = false) {
    const uint64_t count = r_.read_uvarint64();
    if (count > max_count || count > r_.remaining()) return bad("list longer than its bound");
    std::vector<uint32_t> out;
    out.reserve(count);
    uint64_t value = 0;
    for (uint64_t i = 0; i < count; ++i) {
      value = (deltas ? value : 0) + r_.read_uvarint32();
      if (value > UINT32_MAX) return bad("number out of range");
      out.push_back(static_cast<uint32_t>(value));
    }
    return out;
  }

  ByteReader& r_;
  uint32_t doc_count_;
};

}  // namespace

std::string encode_fields(const SegmentFields& fields) {
  ByteWriter w;
  w.write_uvarint(fields.size());
  for (const auto& [name, field] : fields) {
    write_text(w, name);
    write_field(w, field);
  }
  const Bytes plain = w.take();
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  const size_t size = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), kZstdLevel);
  CAUDAL_CHECK(!ZSTD_isError(size), "zstd cannot fail to compress into its own bound");
  out.resize(size);
  return out;
}

Result<SegmentFields> decode_fields(ByteView encoded, uint32_t doc_count) {
  auto corrupt = [](std::string_view what) {
    return Status(Errc::kCorruptSegment, fmt::format("fields: {}", what));
  };
  const unsigned long long size = ZSTD_getFrameContentSize(encoded.data(), encoded.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
      size > kMaxDecodedBytes) {
    return corrupt("no valid zstd frame header");
  }
  Bytes plain(size);
  const size_t got = ZSTD_decompress(plain.data(), plain.size(), encoded.data(), encoded.size());
  if (ZSTD_isError(got) || got != size) return corrupt("do not decompress");
  ByteReader r(ByteView(plain.data(), plain.size()));
  FieldReader reader(r, doc_count);
  const uint64_t count = r.read_uvarint64();
  if (count > r.remaining()) return corrupt("field count beyond the end");
  SegmentFields fields;
  for (uint64_t i = 0; i < count; ++i) {
    auto name = reader.text();
    if (!name.ok()) return corrupt(name.status().message());
    auto field = reader.read();
    if (!field.ok()) return corrupt(fmt::format("{}: {}", *name, field.status().message()));
    if (!fields.emplace(std::move(*name), std::move(field).value()).second) {
      return corrupt("a field appears twice");
    }
  }
  if (r.failed()) return corrupt(r.status().message());
  if (!r.at_end()) return corrupt("bytes after the last field");
  return fields;
}

}  // namespace caudal::index
