#include "http/ingest/body.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <simdjson.h>

#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

#include "http/errc.h"
#include "log/compression.h"
#include "log/errc.h"

namespace caudal::http {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

PaddedBody PaddedBody::copy_of(std::string_view text) {
  PaddedBody body;
  body.size_ = text.size();
  // resize + memcpy: assigning char iterators to a vector of uint8_t copies byte by byte.
  body.bytes_.resize(text.size() + simdjson::SIMDJSON_PADDING, 0);
  if (!text.empty()) std::memcpy(body.bytes_.data(), text.data(), text.size());
  return body;
}

void PaddedBody::pad() {
  size_ = bytes_.size();
  bytes_.resize(size_ + simdjson::SIMDJSON_PADDING, 0);
}

Result<PaddedBody> decode_body(Request& request, uint64_t max_bytes) {
  const std::string_view header = trimmed(request[boost::beast::http::field::content_encoding]);
  std::string& raw = request.body();
  if (header.empty() || boost::beast::iequals(header, "identity")) {
    PaddedBody body = PaddedBody::copy_of(raw);
    raw.clear();
    return body;
  }
  const std::string encoding = lower(header);
  log::Compression codec;
  if (encoding == "gzip" || encoding == "x-gzip" || encoding == "deflate") {
    codec = log::Compression::kGzip;
  } else if (encoding == "zstd") {
    codec = log::Compression::kZstd;
  } else {
    return Status(Errc::kUnsupportedEncoding,
                  fmt::format("Content-Encoding '{}' is not supported; send identity, gzip or zstd",
                              encoding));
  }
  // One decompressor per thread keeps its zlib and zstd contexts between requests.
  thread_local log::Decompressor decompressor;
  PaddedBody body;
  Status status = decompressor.decompress(codec, as_bytes(raw), max_bytes, body.bytes_);
  raw.clear();
  if (!status.ok()) {
    if (status.code() == log::Errc::kBatchTooLarge) {
      return Status(Errc::kBodyTooLarge,
                    fmt::format("request body decodes to more than {} bytes (http.max_body_bytes)",
                                max_bytes));
    }
    return Status(Errc::kBadEncoding,
                  fmt::format("request body is not valid {} data: {}", encoding, status.message()));
  }
  body.pad();
  return body;
}

std::string_view media_type(const Request& request) {
  std::string_view value = request[boost::beast::http::field::content_type];
  return trimmed(value.substr(0, value.find(';')));
}

bool media_type_is(std::string_view media_type, std::string_view expected) {
  return boost::beast::iequals(media_type, expected);
}

}  // namespace caudal::http
