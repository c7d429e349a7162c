#include "index/segment.h"

#include <gtest/gtest.h>

#include "index/segment_builder.h"

namespace caudal::index {
namespace {

std::shared_ptr<const Segment> build(Mappings& mappings, const std::vector<std::string>& docs) {
  SegmentBuilder builder(mappings);
  int64_t offset = 0;
  for (const std::string& text : docs) {
    auto json = parse_json(text);
    EXPECT_TRUE(json.ok()) << text;
    builder.add(DocMeta{"id" + std::to_string(offset), 1000 + offset, 0, offset}, *json, text);
    ++offset;
  }
  builder.note_position(0, offset);
  return builder.build(7);
}

TEST(SegmentTest, InfersMappingsAsElasticsearch) {
  Mappings mappings;
  build(mappings, {R"({"msg":"Hello World","n":3,"x":1.5,"ok":true,"at":"2024-01-01T00:00:00Z",
                     "user":{"name":"ann"}})"});
  EXPECT_EQ(mappings.type_of("msg"), FieldType::kText);
  EXPECT_EQ(mappings.type_of("msg.keyword"), FieldType::kKeyword);
  EXPECT_EQ(mappings.resolve("msg.keyword"), "msg");
  EXPECT_EQ(mappings.type_of("n"), FieldType::kLong);
  EXPECT_EQ(mappings.type_of("x"), FieldType::kDouble);
  EXPECT_EQ(mappings.type_of("ok"), FieldType::kBoolean);
  EXPECT_EQ(mappings.type_of("at"), FieldType::kDate);
  EXPECT_EQ(mappings.type_of("user.name"), FieldType::kText);
  EXPECT_FALSE(mappings.type_of("nope").has_value());
}

TEST(SegmentTest, PostingsColumnsAndSource) {
  Mappings mappings;
  auto segment =
      build(mappings, {R"({"msg":"the quick fox","tags":["a","b"],"n":5})",
                       R"({"msg":"The lazy dog, the end","tags":"b","n":"7"})", R"({"other":1})"});
  ASSERT_EQ(segment->doc_count(), 3u);
  const SegmentField* msg = segment->field("msg");
  ASSERT_NE(msg, nullptr);
  const int64_t the = msg->find_token("the");
  ASSERT_GE(the, 0);
  EXPECT_EQ(msg->token_postings[the].docs.cardinality(), 2u);
  EXPECT_EQ(msg->token_postings[the].freqs[1], 2u);
  EXPECT_EQ(msg->lengths[1], 5u);
  EXPECT_EQ(msg->find_ord("The lazy dog, the end"), 0);  // exact values are case-sensitive
  const SegmentField* tags = segment->field("tags");
  EXPECT_EQ(tags->postings[tags->find_ord("b")].cardinality(), 2u);
  EXPECT_EQ(tags->ord_starts[1] - tags->ord_starts[0], 2u);
  const SegmentField* n = segment->field("n");
  EXPECT_EQ(n->values[1], 7.0);  // a numeric string is coerced, as Elasticsearch does
  EXPECT_FALSE(n->has_value.contains(2));
  EXPECT_EQ(*segment->source(1), R"({"msg":"The lazy dog, the end","tags":"b","n":"7"})");
  EXPECT_EQ(segment->next_offsets().at(0), 3);
  EXPECT_EQ(segment->min_timestamp(), 1000);
  EXPECT_EQ(segment->max_timestamp(), 1002);
}

TEST(SegmentTest, ValuesOfTheWrongTypeStayInSourceOnly) {
  Mappings mappings;
  mappings.set("n", FieldType::kLong);
  auto segment = build(mappings, {R"({"n":"abc"})", R"({"n":4})"});
  EXPECT_EQ(segment->field("n")->has_value.cardinality(), 1u);
  EXPECT_EQ(*segment->source(0), R"({"n":"abc"})");
}

}  // namespace
}  // namespace caudal::index
