#include "kafka/protocol/message_codec.h"

#include <fmt/format.h>

#include "kafka/protocol/errc.h"

namespace caudal::kafka::codec_detail {

void FieldPath::prepend_field(std::string_view name) {
  if (path_.empty() || path_.front() == '[') {
    path_.insert(0, name);
  } else {
    path_.insert(0, fmt::format("{}.", name));
  }
}

void FieldPath::prepend_index(size_t index) {
  if (path_.empty() || path_.front() == '[') {
    path_.insert(0, fmt::format("[{}]", index));
  } else {
    path_.insert(0, fmt::format("[{}].", index));
  }
}

namespace {

Status located(Errc code, std::string_view what, const FieldPath& path, const std::string& reason) {
  if (path.str().empty()) {
    return Status(code, fmt::format("{}: {}", what, reason));
  }
  return Status(code, fmt::format("{}: {}: {}", what, path.str(), reason));
}

}  // namespace

bool Decoder::read_length(LengthWidth width, bool compact, int64_t& length) {
  if (compact) {
    // N + 1, so that 0 can mean null.
    length = static_cast<int64_t>(reader_.read_uvarint32()) - 1;
  } else if (width == LengthWidth::kInt16) {
    length = reader_.read_i16();
  } else {
    length = reader_.read_i32();
  }
  if (!reader_ok()) return false;
  if (length < -1) {
    return fail(fmt::format("negative length {}", length));
  }
  if (width == LengthWidth::kInt16 && length > kMaxStringLength) {
    return fail(fmt::format("string length {} is over the limit of {}", length, kMaxStringLength));
  }
  return true;
}

bool Decoder::skip_tagged_fields() {
  uint32_t count = reader_.read_uvarint32();
  for (uint32_t i = 0; i < count && !reader_.failed(); ++i) {
    (void)reader_.read_uvarint32();  // tag
    uint32_t size = reader_.read_uvarint32();
    reader_.skip(size);
  }
  if (reader_ok()) return true;
  path_.prepend_field("<tagged fields>");
  return false;
}

bool Decoder::expect_end() {
  if (reader_.at_end()) return true;
  size_t left = reader_.remaining();
  return fail(
      fmt::format("{} {} left over after the last field", left, left == 1 ? "byte" : "bytes"));
}

bool Decoder::reader_ok() {
  if (!reader_.failed()) return true;
  return fail(reader_.status().message());
}

bool Decoder::fail(std::string reason) {
  reason_ = std::move(reason);
  return false;
}

Status Decoder::to_status(std::string_view what) const {
  return located(Errc::kMalformedMessage, what, path_, reason_);
}

void Encoder::write_length(LengthWidth width, bool compact, int64_t length) {
  if (compact) {
    out_.write_uvarint(static_cast<uint64_t>(length + 1));
  } else if (width == LengthWidth::kInt16) {
    out_.write_i16(static_cast<int16_t>(length));
  } else {
    out_.write_i32(static_cast<int32_t>(length));
  }
}

bool Encoder::fail(std::string reason) {
  reason_ = std::move(reason);
  return false;
}

Status Encoder::to_status(std::string_view what) const {
  return located(Errc::kEncodeFailed, what, path_, reason_);
}

std::string describe_message(const ApiInfo& api, bool is_request, int16_t version) {
  return fmt::format("{} v{} {}", api.name, version, is_request ? "request" : "response");
}

Status unsupported_version(const ApiInfo& api, bool is_request, int16_t version) {
  return Status(Errc::kUnsupportedVersion, fmt::format("{}: Caudal supports versions {} to {}",
                                                       describe_message(api, is_request, version),
                                                       api.min_version, api.max_version));
}

std::string null_not_allowed(int16_t version) {
  return fmt::format("null, which version {} does not allow here", version);
}

}  // namespace caudal::kafka::codec_detail
