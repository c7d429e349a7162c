#include "http/ingest/ndjson.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

std::vector<NdjsonLine> all_lines(std::string_view body) {
  NdjsonLines lines(body);
  std::vector<NdjsonLine> out;
  while (auto line = lines.next()) out.push_back(*line);
  return out;
}

TEST(NdjsonLinesTest, NumbersLinesAsAnEditorDoes) {
  const std::string body = "{\"a\":1}\n\n  \t\n{\"b\":2}\r\n{\"c\":3}";
  const auto lines = all_lines(body);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "{\"a\":1}");
  EXPECT_EQ(lines[0].number, 1u);
  EXPECT_EQ(lines[0].offset, 0u);
  EXPECT_EQ(lines[1].text, "{\"b\":2}");  // the CR is dropped
  EXPECT_EQ(lines[1].number, 4u);
  EXPECT_EQ(lines[1].offset, 13u);
  EXPECT_EQ(lines[2].text, "{\"c\":3}");  // no final newline
  EXPECT_EQ(lines[2].number, 5u);
}

TEST(NdjsonLinesTest, BlankBodiesHaveNoLines) {
  EXPECT_TRUE(all_lines("").empty());
  EXPECT_TRUE(all_lines("\n").empty());
  EXPECT_TRUE(all_lines(" \r\n\t\n").empty());
}

TEST(NdjsonLinesTest, RawLinesIncludeBlankOnes) {
  NdjsonLines lines("a\n\nb\n");
  EXPECT_EQ(lines.next_raw()->text, "a");
  auto blank = lines.next_raw();
  ASSERT_TRUE(blank.has_value());
  EXPECT_EQ(blank->text, "");
  EXPECT_EQ(blank->number, 2u);
  EXPECT_EQ(lines.next_raw()->text, "b");
  EXPECT_EQ(lines.next_raw(), std::nullopt);
}

TEST(NdjsonLinesTest, TrailingNewlineAddsNoLine) {
  NdjsonLines lines("x\n");
  EXPECT_EQ(lines.next_raw()->text, "x");
  EXPECT_EQ(lines.next_raw(), std::nullopt);
}

}  // namespace
}  // namespace caudal::http
