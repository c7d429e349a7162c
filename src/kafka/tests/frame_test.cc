#include "kafka/protocol/frame.h"

#include <algorithm>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "common/byte_writer.h"
#include "kafka/protocol/errc.h"

namespace caudal::kafka {
namespace {

Bytes frame_of(std::string_view payload) {
  ByteWriter w;
  size_t start = begin_frame(w);
  w.write_string(payload);
  EXPECT_TRUE(end_frame(w, start).ok());
  return w.take();
}

std::string as_string(const Bytes& b) {
  return std::string(b.begin(), b.end());
}

TEST(FrameTest, BeginAndEndFrameWriteTheSizePrefix) {
  Bytes frame = frame_of("hello");
  EXPECT_EQ(frame, (Bytes{0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'}));
}

TEST(FrameTest, SeveralFramesInOneChunk) {
  Bytes stream = frame_of("one");
  for (std::string_view p : {"", "three"}) {
    Bytes f = frame_of(p);
    stream.insert(stream.end(), f.begin(), f.end());
  }
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.feed(stream).ok());
  EXPECT_EQ(as_string(*decoder.next_frame()), "one");
  EXPECT_EQ(as_string(*decoder.next_frame()), "");  // a zero-size frame is a frame
  EXPECT_EQ(as_string(*decoder.next_frame()), "three");
  EXPECT_FALSE(decoder.next_frame().has_value());
  EXPECT_EQ(decoder.bytes_pending(), 0u);
}

TEST(FrameTest, OneByteAtATime) {
  Bytes stream = frame_of("abcdef");
  FrameDecoder decoder;
  for (size_t i = 0; i < stream.size(); ++i) {
    EXPECT_FALSE(decoder.next_frame().has_value()) << "frame complete after " << i << " bytes";
    ASSERT_TRUE(decoder.feed(ByteView(&stream[i], 1)).ok());
    if (i + 1 < stream.size()) {
      EXPECT_GT(decoder.bytes_pending(), 0u);
    }
  }
  EXPECT_EQ(as_string(*decoder.next_frame()), "abcdef");
}

TEST(FrameTest, SocketStyleReadsGoStraightIntoTheFrame) {
  Bytes stream = frame_of("payload");
  FrameDecoder decoder;
  size_t pos = 0;
  while (pos < stream.size()) {
    std::span<uint8_t> target = decoder.read_buffer();
    ASSERT_FALSE(target.empty());
    // A read that fills at most 3 bytes of what was asked, as a socket may.
    size_t n = std::min({target.size(), stream.size() - pos, size_t{3}});
    std::memcpy(target.data(), stream.data() + pos, n);
    ASSERT_TRUE(decoder.commit(n).ok());
    pos += n;
  }
  EXPECT_EQ(as_string(*decoder.next_frame()), "payload");
  EXPECT_EQ(decoder.read_buffer().size(), kFrameSizePrefix);  // ready for the next prefix
}

TEST(FrameTest, NegativeSizeIsRefused) {
  FrameDecoder decoder;
  Status status = decoder.feed(Bytes{0xff, 0xff, 0xff, 0xfe, 1, 2});
  EXPECT_EQ(status.code(), make_error_code(Errc::kMalformedFrame));
  EXPECT_NE(status.message().find("frame size -2 is negative"), std::string::npos);
  EXPECT_TRUE(decoder.failed());
  EXPECT_TRUE(decoder.read_buffer().empty());
  EXPECT_FALSE(decoder.feed(frame_of("x")).ok());  // stays failed
  EXPECT_FALSE(decoder.next_frame().has_value());
}

TEST(FrameTest, OversizedFrameIsRefusedBeforeItsPayloadArrives) {
  FrameDecoder decoder(1024);
  ASSERT_TRUE(decoder.feed(frame_of(std::string(1024, 'a'))).ok());  // exactly the limit
  EXPECT_EQ(decoder.next_frame()->size(), 1024u);

  // Only the 4-byte prefix is sent: the refusal cannot have waited for (or allocated) the body.
  Status status = decoder.feed(Bytes{0x00, 0x00, 0x04, 0x01});
  EXPECT_EQ(status.code(), make_error_code(Errc::kMalformedFrame));
  EXPECT_NE(status.message().find("frame size 1025 is over the maximum of 1024 bytes"),
            std::string::npos)
      << status.message();
  EXPECT_EQ(decoder.bytes_pending(), 0u);
  EXPECT_TRUE(decoder.read_buffer().empty());
}

TEST(FrameTest, DefaultMaximumIs100MiB) {
  FrameDecoder decoder;
  Status status = decoder.feed(Bytes{0x06, 0x40, 0x00, 0x01});  // 100 MiB + 1
  EXPECT_EQ(status.code(), make_error_code(Errc::kMalformedFrame));
  EXPECT_EQ(kDefaultMaxFrameSize, 104857600u);
}

}  // namespace
}  // namespace caudal::kafka
