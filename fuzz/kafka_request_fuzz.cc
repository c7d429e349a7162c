// libFuzzer target for the Kafka request decoder: the input is one request frame's payload (what
// follows the int32 size prefix), decoded as the broker does: header, then the body for the API
// and version the header names. Whatever decodes must encode again, and that encoding must decode
// and re-encode to the same bytes. The input is also fed to a FrameDecoder as a byte stream, and
// each body is decoded as the API's response too (the client side of the codec).
//
// Seeds: corpus/kafka_request/ (see fuzz/CMakeLists.txt and fuzz/run.sh).
#include <cstddef>
#include <cstdint>

#include "common/byte_writer.h"
#include "common/bytes.h"
#include "common/check.h"
#include "kafka/protocol/frame.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/message_codec.h"
#include "kafka/protocol/messages.h"

namespace caudal::kafka {
namespace {

// Small enough that the fuzzer reaches the limit, large enough for any seed.
constexpr size_t kFuzzMaxFrameSize = 64 * 1024;

template <Message M>
void decode_and_reencode(ByteView body, int16_t version) {
  Result<M> decoded = decode_message<M>(body, version);
  if (!decoded.ok()) return;

  ByteWriter first;
  Status encoded = encode_message(*decoded, version, first);
  CAUDAL_CHECK(encoded.ok(), "a decoded message failed to encode: " + encoded.to_string());
  Result<M> again = decode_message<M>(first.view(), version);
  CAUDAL_CHECK(again.ok(), "a re-encoded message failed to decode: " + again.status().to_string());
  ByteWriter second;
  CAUDAL_CHECK(encode_message(*again, version, second).ok(), "second encoding failed");
  CAUDAL_CHECK(Bytes(first.view().begin(), first.view().end()) ==
                   Bytes(second.view().begin(), second.view().end()),
               "encode(decode(encode(m))) differs from encode(m)");
}

void decode_payload(ByteView payload) {
  Result<IncomingRequest> request = decode_request_header(payload);
  if (!request.ok()) return;
  int16_t version = request->header.api_version;
  bool served = visit_api(request->header.api_key, [&](auto api) {
    using Api = decltype(api);
    decode_and_reencode<typename Api::Request>(request->body, version);
    decode_and_reencode<typename Api::Response>(request->body, version);
  });
  CAUDAL_CHECK(served, "decode_request_header accepted an API key visit_api does not know");
}

}  // namespace
}  // namespace caudal::kafka

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace caudal;
  ByteView input(data, size);
  kafka::decode_payload(input);

  kafka::FrameDecoder frames(kafka::kFuzzMaxFrameSize);
  (void)frames.feed(input);
  while (std::optional<Bytes> frame = frames.next_frame()) {
    kafka::decode_payload(*frame);
  }
  return 0;
}
