// Request and response headers, and the functions that put a header and a body together into a
// frame or take a frame apart. Layouts: docs/kafka-protocol.md §Headers.
//
//   request header v1: api_key int16, api_version int16, correlation_id int32,
//                      client_id nullable string with an int16 length
//   request header v2: v1, then a tagged-field section (client_id keeps its int16 length)
//   response header v0: correlation_id int32;  v1: v0, then a tagged-field section
//
// Which version a header has follows from the API and its version (api_table.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "common/byte_writer.h"
#include "common/bytes.h"
#include "common/result.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/frame.h"
#include "kafka/protocol/message_codec.h"
#include "kafka/protocol/schema.h"

namespace caudal::kafka {

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;

  static constexpr auto fields() {
    using M = RequestHeader;
    using schema::field;
    return std::tuple{
        field("api_key", &M::api_key),
        field("api_version", &M::api_version),
        field("correlation_id", &M::correlation_id),
        field("client_id", &M::client_id).since(1).nullable().never_compact(),
    };
  }
};

struct ResponseHeader {
  int32_t correlation_id = 0;

  static constexpr auto fields() {
    using schema::field;
    return std::tuple{field("correlation_id", &ResponseHeader::correlation_id)};
  }
};

// A request frame's payload split into its header and its still-encoded body.
struct IncomingRequest {
  RequestHeader header;
  const ApiInfo* api = nullptr;  // the served API the header names; never null on success
  ByteView body;                 // points into the payload given to decode_request_header()
};

// Reads the header at the front of a request frame's payload (the bytes after the size prefix).
// A version outside the advertised range is not an error here: the dispatcher decides what to
// answer (ApiVersions must still reply, with UNSUPPORTED_VERSION). Fails with
// kafka::Errc::kUnsupportedApi for an API key Caudal does not serve (the message names the
// key, version and correlation id), kMalformedMessage for a header that does not parse.
Result<IncomingRequest> decode_request_header(ByteView payload);

// A response frame's payload split into its header and its still-encoded body (client side).
struct IncomingResponse {
  ResponseHeader header;
  ByteView body;  // points into the payload given to decode_response_header()
};
Result<IncomingResponse> decode_response_header(ByteView payload, const ApiInfo& api,
                                                int16_t api_version);

Status encode_request_header(const RequestHeader& header, ByteWriter& out);
void encode_response_header(int32_t correlation_id, const ApiInfo& api, int16_t api_version,
                            ByteWriter& out);

// Room for either response header (correlation id, and a tagged-field section in v1), so a
// frame's buffer is allocated once.
inline constexpr size_t kMaxResponseHeaderSize = 4 + 1;

// Bytes encode_message() writes for `body` at `version`, or 0 for a version the API does not
// serve (encode_message then fails anyway).
template <Message M>
size_t encoded_body_size(const M& body, int16_t version) {
  const ApiInfo& api = api_info(M::kApiKey);
  if (!api.supports(version)) return 0;
  bool flexible = api.is_flexible(version);
  return codec_detail::encoded_size(body, version, flexible, flexible);
}

// A whole response frame (size prefix, header, body) for version `version` of the response.
// ApiVersions refusing a version it does not know answers in v0 (brief §1), so its handler
// passes 0 here whatever the request's version.
template <Message M>
Result<Bytes> encode_response_frame(const M& body, int16_t version, int32_t correlation_id) {
  static_assert(!M::kIsRequest);
  ByteWriter out(kFrameSizePrefix + kMaxResponseHeaderSize + encoded_body_size(body, version));
  size_t start = begin_frame(out);
  encode_response_header(correlation_id, api_info(M::kApiKey), version, out);
  CAUDAL_RETURN_IF_ERROR(encode_message(body, version, out));
  CAUDAL_RETURN_IF_ERROR(end_frame(out, start));
  return out.take();
}

// A whole request frame, as a client sends it (used by Caudal's own client verbs and tests).
template <Message M>
Result<Bytes> encode_request_frame(const M& body, int16_t version, int32_t correlation_id,
                                   std::optional<std::string> client_id) {
  static_assert(M::kIsRequest);
  RequestHeader header{static_cast<int16_t>(M::kApiKey), version, correlation_id,
                       std::move(client_id)};
  int16_t header_version = request_header_version(api_info(M::kApiKey), version);
  size_t header_size =
      codec_detail::encoded_size(header, header_version, header_version >= 2, false);
  ByteWriter out(kFrameSizePrefix + header_size + encoded_body_size(body, version));
  size_t start = begin_frame(out);
  CAUDAL_RETURN_IF_ERROR(encode_request_header(header, out));
  CAUDAL_RETURN_IF_ERROR(encode_message(body, version, out));
  CAUDAL_RETURN_IF_ERROR(end_frame(out, start));
  return out.take();
}

template <Message M>
struct DecodedResponse {
  int32_t correlation_id = 0;
  M body;  // ByteView fields point into the payload that was decoded
};

// Decodes a response frame's payload (client side) as version `version` of M.
template <Message M>
Result<DecodedResponse<M>> decode_response_frame(ByteView payload, int16_t version) {
  static_assert(!M::kIsRequest);
  CAUDAL_ASSIGN_OR_RETURN(IncomingResponse response,
                          decode_response_header(payload, api_info(M::kApiKey), version));
  CAUDAL_ASSIGN_OR_RETURN(M body, decode_message<M>(response.body, version));
  return DecodedResponse<M>{response.header.correlation_id, std::move(body)};
}

}  // namespace caudal::kafka
