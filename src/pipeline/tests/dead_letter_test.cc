#include "pipeline/dead_letter.h"

#include <simdjson.h>
#include <string>

#include <gtest/gtest.h>

namespace caudal::pipeline {
namespace {

TEST(DeadLetterTest, RecordBytesThatAreNotUtf8StillMakeValidJson) {
  DeadLetterEnvelope envelope;
  envelope.pipeline = "p";
  envelope.reason = "record is not a JSON object";
  envelope.source.topic = "IN";
  envelope.source.offset = log::Offset(7);
  const std::string key = "k\xc3";  // a truncated two-byte sequence
  const std::string raw =
      "\xff\xfe"
      "caf\xc3\xa9\x80";  // invalid, valid é, a stray byte
  envelope.source.key = key;
  envelope.raw = raw;
  std::string out;
  write_dead_letter(envelope, out);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(out).get(doc), simdjson::SUCCESS) << out;
  std::string_view parsed_raw;
  ASSERT_EQ(doc["raw"].get(parsed_raw), simdjson::SUCCESS);
  EXPECT_EQ(parsed_raw,
            "\xef\xbf\xbd\xef\xbf\xbd"
            "caf\xc3\xa9\xef\xbf\xbd");
  std::string_view parsed_key;
  ASSERT_EQ(doc["source"]["key"].get(parsed_key), simdjson::SUCCESS);
  EXPECT_EQ(parsed_key, "k\xef\xbf\xbd");
  int64_t offset = 0;
  ASSERT_EQ(doc["source"]["offset"].get(offset), simdjson::SUCCESS);
  EXPECT_EQ(offset, 7);
}

TEST(DeadLetterTest, Utf8RawBytesAreKeptAsTheyWere) {
  DeadLetterEnvelope envelope;
  envelope.pipeline = "p";
  envelope.reason = "r";
  envelope.source.topic = "IN";
  envelope.raw = std::string_view("not json: \"quoted\" \xe2\x82\xac");
  std::string out;
  write_dead_letter(envelope, out);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(out).get(doc), simdjson::SUCCESS) << out;
  std::string_view parsed_raw;
  ASSERT_EQ(doc["raw"].get(parsed_raw), simdjson::SUCCESS);
  EXPECT_EQ(parsed_raw, *envelope.raw);
}

}  // namespace
}  // namespace caudal::pipeline
