// The records inside a v2 record batch, as RecordBatchBuilder takes them and RecordBatchReader
// yields them. Everything here is a view: it borrows bytes owned elsewhere (the caller's
// buffers for the builder; the batch bytes or the reader's decompressed buffer for the reader).
// Encoding: docs/record-batches.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "log/types.h"

namespace caudal::log {

// One record header. Kafka forbids null header keys but allows null header values.
struct RecordHeader {
  std::string_view key;
  std::optional<ByteView> value;
};

// The headers of one record, decoded lazily from their wire bytes. Only RecordBatchReader
// builds one, and only over bytes it has already bounds-checked, so iterating cannot fail.
// Borrows the same bytes as the Record it belongs to.
class RecordHeaders {
 public:
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = RecordHeader;
    using difference_type = std::ptrdiff_t;
    using pointer = const RecordHeader*;
    using reference = const RecordHeader&;

    Iterator() = default;
    const RecordHeader& operator*() const { return current_; }
    const RecordHeader* operator->() const { return &current_; }
    Iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    friend bool operator==(const Iterator& a, const Iterator& b) {
      return a.remaining_ == b.remaining_;
    }

   private:
    friend class RecordHeaders;
    Iterator(const uint8_t* next, int32_t remaining) : next_(next), remaining_(remaining) {
      decode();
    }
    void advance() {
      --remaining_;
      decode();
    }
    // Decodes the header at next_ into current_ when one remains.
    void decode();

    const uint8_t* next_ = nullptr;
    int32_t remaining_ = 0;
    RecordHeader current_;
  };

  RecordHeaders() = default;

  int32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  Iterator begin() const { return Iterator(encoded_.data(), count_); }
  Iterator end() const { return Iterator(); }

 private:
  friend class RecordBatchReader;
  // `encoded` holds exactly `count` headers in wire form, already validated.
  RecordHeaders(ByteView encoded, int32_t count) : encoded_(encoded), count_(count) {}

  ByteView encoded_;
  int32_t count_ = 0;
};

// One record as read from a batch. The offset is the batch's base offset plus the record's
// offset delta; the timestamp is the batch's max timestamp when the batch uses LogAppendTime,
// else base timestamp plus the record's delta. A missing key or value is Kafka's null, which
// is different from an empty one.
struct Record {
  Offset offset;
  int64_t timestamp_ms = 0;
  std::optional<ByteView> key;
  std::optional<ByteView> value;
  RecordHeaders headers;
};

}  // namespace caudal::log
