#include "kafka/protocol/headers.h"

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "kafka/protocol/errc.h"

namespace caudal::kafka {

static_assert(schema::valid_description<RequestHeader>());
static_assert(schema::valid_description<ResponseHeader>());

Result<IncomingRequest> decode_request_header(ByteView payload) {
  // api_key, api_version and correlation_id sit at the same place in every header version, and
  // the first two decide which version the rest follows.
  ByteReader peek(payload);
  int16_t api_key = peek.read_i16();
  int16_t api_version = peek.read_i16();
  int32_t correlation_id = peek.read_i32();
  if (peek.failed()) {
    return Status(Errc::kMalformedMessage,
                  fmt::format("request header: {}", peek.status().message()));
  }
  const ApiInfo* api = find_api(api_key);
  if (api == nullptr) {
    return Status(Errc::kUnsupportedApi,
                  fmt::format("request for unknown API key {} (version {}, correlation id {})",
                              api_key, api_version, correlation_id));
  }

  int16_t header_version = request_header_version(*api, api_version);
  codec_detail::Decoder decoder(payload, header_version, header_version >= 2);
  IncomingRequest request;
  if (!codec_detail::decode_struct(decoder, request.header)) {
    return decoder.to_status(fmt::format("{} v{} request header v{} (correlation id {})", api->name,
                                         api_version, header_version, correlation_id));
  }
  request.api = api;
  request.body = decoder.reader().rest();
  return request;
}

Result<IncomingResponse> decode_response_header(ByteView payload, const ApiInfo& api,
                                                int16_t api_version) {
  int16_t header_version = response_header_version(api, api_version);
  codec_detail::Decoder decoder(payload, header_version, header_version >= 1);
  IncomingResponse response;
  if (!codec_detail::decode_struct(decoder, response.header)) {
    return decoder.to_status(
        fmt::format("{} v{} response header v{}", api.name, api_version, header_version));
  }
  response.body = decoder.reader().rest();
  return response;
}

Status encode_request_header(const RequestHeader& header, ByteWriter& out) {
  const ApiInfo* api = find_api(header.api_key);
  if (api == nullptr) {
    return Status(
        Errc::kUnsupportedApi,
        fmt::format("cannot encode a request header for unknown API key {}", header.api_key));
  }
  int16_t header_version = request_header_version(*api, header.api_version);
  codec_detail::Encoder encoder(out, header_version, header_version >= 2);
  if (!codec_detail::encode_struct(encoder, header)) {
    return encoder.to_status(
        fmt::format("{} v{} request header v{}", api->name, header.api_version, header_version));
  }
  return Status();
}

void encode_response_header(int32_t correlation_id, const ApiInfo& api, int16_t api_version,
                            ByteWriter& out) {
  int16_t header_version = response_header_version(api, api_version);
  codec_detail::Encoder encoder(out, header_version, header_version >= 1);
  // A header of one int32 (and an empty tagged section) has nothing that can fail to encode.
  bool encoded = codec_detail::encode_struct(encoder, ResponseHeader{correlation_id});
  CAUDAL_CHECK(encoded, "response header encoding cannot fail");
}

}  // namespace caudal::kafka
