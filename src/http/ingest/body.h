// The request body as the ingest parsers read it: Content-Encoding undone, size limits applied,
// and followed by zero bytes that simdjson may read past the end (it parses with SIMD loads
// that overrun the text; the padding makes that safe without copying each event).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "http/types.h"

namespace caudal::http {

class PaddedBody {
 public:
  PaddedBody() = default;
  // Copies `text` and pads it.
  static PaddedBody copy_of(std::string_view text);

  std::string_view view() const { return {reinterpret_cast<const char*>(bytes_.data()), size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  friend Result<PaddedBody> decode_body(Request& request, uint64_t max_bytes);
  void pad();

  Bytes bytes_;  // size_ bytes of body, then the padding
  size_t size_ = 0;
};

// Undoes the request's Content-Encoding: none or `identity`, `gzip` (also `x-gzip` and
// `deflate`, which zlib tells apart by their headers) or `zstd`. The request's body is consumed.
// Errors (http::Errc): kUnsupportedEncoding for any other encoding, kBadEncoding when the bytes
// are not a complete stream of the encoding (a truncated gzip), kBodyTooLarge when the decoded
// body passes `max_bytes`.
Result<PaddedBody> decode_body(Request& request, uint64_t max_bytes);

// The request's media type without parameters or surrounding blanks ("Application/JSON" for
// "Application/JSON; charset=utf-8"), as sent: media types are case-insensitive, so compare
// with media_type_is(). "" when there is no Content-Type. A view into the request's header.
std::string_view media_type(const Request& request);
// Whether `media_type` is `expected` (lower case), ignoring case.
bool media_type_is(std::string_view media_type, std::string_view expected);

}  // namespace caudal::http
