#include "log/record_batch_reader.h"

#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "log/errc.h"

namespace caudal::log {
namespace {

// Names a field in error messages. Built on every read, formatted only on failure, so the
// success path never allocates.
struct Field {
  std::string_view name;
  int32_t header = -1;  // index of the record header the field belongs to, if any

  std::string describe(std::string_view suffix = {}) const {
    return header < 0 ? fmt::format("{}{}", name, suffix)
                      : fmt::format("header {} {}{}", header, name, suffix);
  }
};

// A bounds-checked cursor over part of the records region. On failure it records where the
// failing field started and why; positions are offsets in the whole records region. The
// failure paths are out of line, so the read functions stay small enough to inline.
class Cursor {
 public:
  Cursor(ByteView region, size_t begin, size_t end)
      : base_(region.data()), p_(region.data() + begin), end_(region.data() + end) {}

  size_t position() const { return static_cast<size_t>(p_ - base_); }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  const uint8_t* here() const { return p_; }

  size_t error_position() const { return error_position_; }
  const std::string& error() const { return error_; }

  bool read_i8(int8_t& out, Field field) {
    if (p_ == end_) [[unlikely]] {
      return fail(position(), field, "", "is cut short");
    }
    out = static_cast<int8_t>(*p_++);
    return true;
  }

  // Zigzag varints: at most 5 bytes whose value fits 32 bits (varint), or 10 (varlong).
  bool read_varint(int32_t& out, Field field, std::string_view suffix = {}) {
    const size_t start = position();
    uint64_t raw = 0;
    if (!read_uvarint(raw, kMaxVarint32Bytes, field, suffix)) [[unlikely]] {
      return false;
    }
    if (raw > UINT32_MAX) [[unlikely]] {
      return fail(start, field, suffix, "varint overflows 32 bits");
    }
    out = zigzag_decode32(static_cast<uint32_t>(raw));
    return true;
  }
  bool read_varlong(int64_t& out, Field field) {
    uint64_t raw = 0;
    if (!read_uvarint(raw, kMaxVarint64Bytes, field, {})) [[unlikely]] {
      return false;
    }
    out = zigzag_decode64(raw);
    return true;
  }

  // A length-prefixed field whose length may be -1 (null) when `nullable`.
  bool read_field(std::optional<ByteView>& out, Field field, bool nullable) {
    const size_t start = position();
    int32_t length = 0;
    if (!read_varint(length, field, " length")) [[unlikely]] {
      return false;
    }
    if (length < 0) {
      if (length == -1 && nullable) {
        out.reset();
        return true;
      }
      return fail_length(start, field, length, nullable);
    }
    if (static_cast<size_t>(length) > remaining()) [[unlikely]] {
      return fail_length(start, field, length, nullable);
    }
    out = ByteView(p_, static_cast<size_t>(length));
    p_ += length;
    return true;
  }

 private:
  bool read_uvarint(uint64_t& out, size_t max_bytes, Field field, std::string_view suffix) {
    const size_t start = position();
    uint64_t result = 0;
    for (size_t i = 0; i < max_bytes; ++i) {
      if (p_ == end_) [[unlikely]] {
        return fail(start, field, suffix, "varint is cut short");
      }
      const uint8_t byte = *p_++;
      result |= uint64_t{byte & 0x7fu} << (7 * i);
      if ((byte & 0x80) == 0) {
        out = result;
        return true;
      }
    }
    return fail(start, field, suffix,
                max_bytes == kMaxVarint32Bytes ? "varint is longer than 5 bytes"
                                               : "varint is longer than 10 bytes");
  }

  [[gnu::cold, gnu::noinline]] bool fail(size_t position, Field field, std::string_view suffix,
                                         std::string_view problem) {
    error_position_ = position;
    error_ = fmt::format("{} {}", field.describe(suffix), problem);
    return false;
  }

  [[gnu::cold, gnu::noinline]] bool fail_length(size_t position, Field field, int32_t length,
                                                bool nullable) {
    error_position_ = position;
    const std::string name = field.describe();
    if (length >= 0) {
      error_ = fmt::format("{} length {} exceeds the {} bytes left in the record", name, length,
                           remaining());
    } else if (nullable) {
      error_ = fmt::format("{} length {} is negative and not -1 (null)", name, length);
    } else {
      error_ = fmt::format("{} length {} is negative ({} may not be null)", name, length, name);
    }
    return false;
  }

  const uint8_t* base_;
  const uint8_t* p_;
  const uint8_t* end_;
  size_t error_position_ = 0;
  std::string error_;
};

}  // namespace

RecordBatchReader::RecordBatchReader(size_t max_decompressed_bytes)
    : max_decompressed_bytes_(max_decompressed_bytes),
      error_(Errc::kCorruptBatch, "no batch: reset() was not called or failed") {}

Status RecordBatchReader::reset(ByteView batch) {
  records_ = {};
  position_ = 0;
  index_ = 0;
  auto header = RecordBatchHeader::parse(batch);
  if (!header.ok()) {
    error_ = header.status();
    return error_;
  }
  header_ = *header;
  const ByteView region = batch.subspan(kBatchHeaderSize);
  compressed_ = header_.compression() != Compression::kNone;
  if (compressed_) {
    Status status = decompressor_.decompress(header_.compression(), region, max_decompressed_bytes_,
                                             decompressed_);
    if (!status.ok()) {
      error_ = status.with_context(
          fmt::format("records region of the batch at base offset {}", header_.base_offset));
      return error_;
    }
    records_ = decompressed_;
  } else {
    records_ = region;
  }
  error_ = Status();
  return error_;
}

Status RecordBatchReader::corrupt(size_t position, std::string_view what) {
  error_ =
      Status(Errc::kCorruptBatch,
             fmt::format("record {} of {}, at byte {} of the {}records region: {}", index_,
                         header_.record_count, position, compressed_ ? "decompressed " : "", what));
  return error_;
}

Result<const Record*> RecordBatchReader::next() {
  if (!error_.ok()) return error_;
  if (index_ == header_.record_count) {
    if (position_ != records_.size()) {
      return corrupt(position_, fmt::format("{} bytes of trailing garbage after the last record",
                                            records_.size() - position_));
    }
    return static_cast<const Record*>(nullptr);
  }
  if (position_ == records_.size()) {
    return corrupt(position_, fmt::format("the records region ends after {} records, but the "
                                          "header counts {}",
                                          index_, header_.record_count));
  }

  Cursor outer(records_, position_, records_.size());
  int32_t length = 0;
  if (!outer.read_varint(length, Field{"record length"})) {
    return corrupt(outer.error_position(), outer.error());
  }
  if (length < 0) {
    return corrupt(position_, fmt::format("record length {} is negative", length));
  }
  if (static_cast<size_t>(length) > outer.remaining()) {
    return corrupt(position_,
                   fmt::format("record length {} exceeds the {} bytes left in the region", length,
                               outer.remaining()));
  }
  const size_t record_end = outer.position() + static_cast<size_t>(length);
  Cursor in(records_, outer.position(), record_end);

  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  if (!in.read_i8(attributes, Field{"attributes"}) ||
      !in.read_varlong(timestamp_delta, Field{"timestamp delta"})) {
    return corrupt(in.error_position(), in.error());
  }
  const size_t offset_delta_position = in.position();
  if (!in.read_varint(offset_delta, Field{"offset delta"})) {
    return corrupt(in.error_position(), in.error());
  }
  if (offset_delta != index_) {
    return corrupt(offset_delta_position,
                   fmt::format("offset delta {} where {} was expected (deltas run 0..n-1)",
                               offset_delta, index_));
  }
  if (!in.read_field(record_.key, Field{"key"}, true) ||
      !in.read_field(record_.value, Field{"value"}, true)) {
    return corrupt(in.error_position(), in.error());
  }
  const size_t header_count_position = in.position();
  int32_t header_count = 0;
  if (!in.read_varint(header_count, Field{"header count"})) {
    return corrupt(in.error_position(), in.error());
  }
  if (header_count < 0) {
    return corrupt(header_count_position, fmt::format("header count {} is negative", header_count));
  }
  const uint8_t* headers_begin = in.here();
  for (int32_t h = 0; h < header_count; ++h) {
    std::optional<ByteView> key;
    std::optional<ByteView> value;
    if (!in.read_field(key, Field{"key", h}, false) ||
        !in.read_field(value, Field{"value", h}, true)) {
      return corrupt(in.error_position(), in.error());
    }
  }
  if (in.remaining() != 0) {
    return corrupt(position_, fmt::format("record length {} leaves {} bytes after its fields",
                                          length, in.remaining()));
  }

  record_.offset = Offset(header_.base_offset + offset_delta);
  record_.timestamp_ms = header_.log_append_time()
                             ? header_.max_timestamp
                             : static_cast<int64_t>(static_cast<uint64_t>(header_.base_timestamp) +
                                                    static_cast<uint64_t>(timestamp_delta));
  record_.headers = RecordHeaders(
      ByteView(headers_begin, static_cast<size_t>(in.here() - headers_begin)), header_count);
  position_ = record_end;
  ++index_;
  return &record_;
}

}  // namespace caudal::log
