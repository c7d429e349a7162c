#include "index/segment_merger.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "index/segment_builder.h"
#include "segment_compare.h"

namespace caudal::index {
namespace {

// Documents of every kind a field can be: text with repeated tokens and a value over the
// keyword limit, keywords in arrays (repeated too), numbers, dates, booleans, nested objects,
// fields some documents lack.
std::string document(int i) {
  std::string doc = fmt::format(R"({{"msg":"event {} of the day {} {}","n":{},"when":"2024-03-0{}T10:00:00Z")",
                                i % 7, i % 3, i % 3, i * 3 % 11, 1 + i % 5);
  if (i % 4 == 0) doc += fmt::format(R"(,"tags":["t{}","t{}","t{}"])", i % 3, (i + 1) % 3, i % 3);
  if (i % 5 == 1) doc += fmt::format(R"(,"user":{{"name":"u{}","ok":{}}})", i % 4, i % 2 == 0);
  if (i % 6 == 2) doc += fmt::format(R"(,"x":{}.5)", i);
  if (i == 13) doc += R"(,"long":")" + std::string(300, 'z') + R"(")";
  return doc + "}";
}

TEST(SegmentMergerTest, AMergeIsTheSegmentBuiltFromTheLiveDocuments) {
  Mappings mappings;
  std::vector<std::shared_ptr<const Segment>> parts;
  std::vector<Roaring> deletes(3);
  SegmentBuilder whole(mappings);
  int i = 0;
  const int sizes[] = {300, 1, 1500};
  for (size_t p = 0; p < 3; ++p) {
    SegmentBuilder builder(mappings);
    for (int k = 0; k < sizes[p]; ++k, ++i) {
      const std::string text = document(i);
      auto json = parse_json(text);
      ASSERT_TRUE(json.ok()) << text;
      DocMeta meta{fmt::format("d{}", i), 1000 + i, static_cast<int32_t>(p), i};
      builder.add(meta, *json, text);
      // Every ninth document of the first and last parts was replaced later.
      if (p != 1 && k % 9 == 4) {
        deletes[p].add(static_cast<uint32_t>(k));
      } else {
        whole.add(meta, *json, text);
      }
    }
    builder.note_position(static_cast<int32_t>(p), i);
    whole.note_position(static_cast<int32_t>(p), i);
    parts.push_back(builder.build(p + 1));
  }
  std::vector<MergeInput> inputs;
  for (size_t p = 0; p < 3; ++p) inputs.push_back(MergeInput{parts[p].get(), &deletes[p]});
  auto merged = merge_segments(9, inputs, {1, 2, 3});
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  auto expected = whole.build(9);
  const Segment& got = **merged;
  EXPECT_EQ(got.seq(), 9u);
  EXPECT_EQ(got.replaces(), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(got.next_offsets(), expected->next_offsets());
  ASSERT_EQ(got.doc_count(), expected->doc_count());
  EXPECT_EQ(got.min_timestamp(), expected->min_timestamp());
  EXPECT_EQ(got.max_timestamp(), expected->max_timestamp());
  for (uint32_t d = 0; d < got.doc_count(); ++d) {
    EXPECT_EQ(got.meta(d).id, expected->meta(d).id);
    EXPECT_EQ(got.meta(d).offset, expected->meta(d).offset);
  }
  // Blocks without left-out documents are taken whole, the others written again.
  EXPECT_EQ(got.blocks().size(), 3u + 1u + 12u);
  SourceReader read_got, read_expected;
  for (uint32_t d = 0; d < got.doc_count(); ++d) {
    EXPECT_EQ(*read_got.read(got, d), *read_expected.read(*expected, d)) << d;
  }
  ASSERT_EQ(got.fields().size(), expected->fields().size());
  for (const auto& [name, field] : expected->fields()) {
    SCOPED_TRACE(name);
    ASSERT_NE(got.field(name), nullptr);
    expect_same_field(*got.field(name), field);
  }
}

TEST(SegmentMergerTest, ValuesAndFieldsOnlyLeftOutDocumentsHeldAreDropped) {
  Mappings mappings;
  SegmentBuilder builder(mappings);
  const std::string texts[] = {R"({"k":"gone","m":"only here","nothing":1})",
                               R"({"k":"kept","m":"stays"})"};
  for (int i = 0; i < 2; ++i) {
    auto json = parse_json(texts[i]);
    builder.add(DocMeta{fmt::format("d{}", i), i, 0, i}, *json, texts[i]);
  }
  auto part = builder.build(1);
  Roaring deletes;
  deletes.add(0);
  auto merged = merge_segments(2, {MergeInput{part.get(), &deletes}}, {1});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)->field("k")->dict, std::vector<std::string>{"kept"});
  EXPECT_EQ((*merged)->field("m")->tokens, std::vector<std::string>{"stays"});
  EXPECT_EQ((*merged)->doc_count(), 1u);
  EXPECT_EQ(*(*merged)->source(0), texts[1]);
  EXPECT_EQ((*merged)->field("nothing"), nullptr);
}

}  // namespace
}  // namespace caudal::index
