// Request frames exactly as real clients encode them (kafka-python 2.0.2 and librdkafka 2.0.2,
// both from Debian), kept as the request fuzzer's seed corpus: each decodes, and re-encoding
// the decoded request gives back the client's bytes.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "kafka/protocol/headers.h"
#include "kafka/protocol/message_codec.h"
#include "kafka/protocol/messages.h"

namespace caudal::kafka {
namespace {

// Files named after the client that wrote them; the same directory also collects inputs the
// fuzzer found, which need not decode.
bool written_by_a_client(const std::string& name) {
  return name.rfind("kafka-python-", 0) == 0 || name.rfind("librdkafka-", 0) == 0;
}

TEST(ClientFramesTest, RealClientRequestsDecodeAndReencodeByteForByte) {
  const char* source_dir = std::getenv("CAUDAL_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr) << "ctest sets CAUDAL_SOURCE_DIR";
  std::filesystem::path corpus = std::filesystem::path(source_dir) / "fuzz/corpus/kafka_request";

  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::string name = entry.path().filename().string();
    if (!written_by_a_client(name)) continue;
    SCOPED_TRACE(name);
    std::ifstream file(entry.path(), std::ios::binary);
    Bytes payload((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());

    Result<IncomingRequest> request = decode_request_header(payload);
    ASSERT_TRUE(request.ok()) << request.status().to_string();
    ASSERT_TRUE(request->api->supports(request->header.api_version));
    bool served = visit_api(request->header.api_key, [&](auto api) {
      using Request = typename decltype(api)::Request;
      Result<Request> body = decode_message<Request>(request->body, request->header.api_version);
      ASSERT_TRUE(body.ok()) << body.status().to_string();
      Result<Bytes> frame =
          encode_request_frame(*body, request->header.api_version, request->header.correlation_id,
                               request->header.client_id);
      ASSERT_TRUE(frame.ok()) << frame.status().to_string();
      EXPECT_EQ(Bytes(frame->begin() + kFrameSizePrefix, frame->end()), payload);
    });
    EXPECT_TRUE(served);
    ++checked;
  }
  EXPECT_EQ(checked, 24u);
}

}  // namespace
}  // namespace caudal::kafka
