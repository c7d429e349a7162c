#include "http/ingest/json_text.h"

#include <string>

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

struct Case {
  std::string text;
  size_t offset;
  std::string what;
};

TEST(FindJsonProblemTest, ValidTextsHaveNone) {
  for (std::string text : {"{}", " [ ] ", "{\"a\":[1,-2.5e+3,true,false,null,\"x\\u00e9\"]}",
                           "\"\\ud83d\\ude00\"", "0", "-0.0E-1", "\"caf\xc3\xa9\""}) {
    EXPECT_EQ(find_json_problem(text), std::nullopt) << text;
  }
}

TEST(FindJsonProblemTest, PointsAtTheFirstProblem) {
  const Case cases[] = {
      {"{\"a\" 1}", 5, "expected ':' after an object key"},
      {"{\"a\":1,}", 7, "expected a string as object key"},
      {"[1,2", 4, "the array is not closed with ']'"},
      {"{\"a\":tru}", 5, "expected 'true'"},
      {"{\"a\":1} x", 8, "unexpected text after the JSON value"},
      {"{\"a\":1}{\"b\":2}", 7, "unexpected text after the JSON value"},
      {"[01]", 2, "a number may not start with 0 followed by digits"},
      {"[1.]", 3, "expected a digit after the decimal point"},
      {"[1e]", 3, "expected a digit in the exponent"},
      {"[-]", 2, "expected a digit"},
      {"\"\\q\"", 1, "invalid escape '\\q' in a string"},
      {"\"\\u12g4\"", 1, "expected four hex digits after '\\u'"},
      {"\"\\udc00\"", 1, "a low surrogate \\u escape without a high surrogate before it"},
      {"\"\\ud800x\"", 1, "a high surrogate \\u escape not followed by a low surrogate"},
      {"\"a\tb\"", 2, "control character in a string (escape it)"},
      {"\"abc", 4, "the string is not closed with '\"'"},
      {"[1 2]", 3, "expected ',' or ']'"},
      {"{\"a\":1 \"b\":2}", 7, "expected ',' or '}'"},
      {"   ", 3, "expected a JSON value, found the end of the text"},
      {"[@]", 1, "expected a JSON value (object, array, string, number, true, false or null)"},
  };
  for (const Case& c : cases) {
    std::optional<JsonProblem> problem = find_json_problem(c.text);
    ASSERT_TRUE(problem.has_value()) << c.text;
    EXPECT_EQ(problem->offset, c.offset) << c.text;
    EXPECT_EQ(problem->what, c.what) << c.text;
    EXPECT_EQ(problem->code, Errc::kInvalidJson) << c.text;
  }
}

TEST(FindJsonProblemTest, DepthIsLimited) {
  const std::string deep = std::string(5, '[') + std::string(5, ']');
  EXPECT_EQ(find_json_problem(deep, 5), std::nullopt);
  std::optional<JsonProblem> problem = find_json_problem(deep, 4);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->offset, 4u);
  EXPECT_EQ(problem->what, "nesting deeper than 4 levels");
  // Far deeper than any stack could recurse: still an answer, not a crash.
  const std::string hostile(1'000'000, '[');
  EXPECT_TRUE(find_json_problem(hostile).has_value());
}

TEST(FindInvalidUtf8Test, FindsTheFirstBadByte) {
  EXPECT_EQ(find_invalid_utf8("plain ascii"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), std::nullopt);
  EXPECT_EQ(find_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(find_invalid_utf8("a\xc0\xafz"), 1u);          // overlong '/'
  EXPECT_EQ(find_invalid_utf8("a\xed\xa0\x80z"), 1u);      // UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("a\xf4\x90\x80\x80z"), 1u);  // past U+10FFFF
  EXPECT_EQ(find_invalid_utf8("ab\xe2\x82"), 2u);          // cut short
  EXPECT_EQ(find_invalid_utf8("\x80"), 0u);                // lone continuation
}

TEST(FindJsonProblemTest, InvalidUtf8IsItsOwnCode) {
  std::optional<JsonProblem> problem = find_json_problem("{\"a\":\"x\xff\"}");
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->code, Errc::kInvalidUtf8);
  EXPECT_EQ(problem->offset, 7u);
  EXPECT_EQ(problem->what, "invalid UTF-8 (byte 0xff)");
}

TEST(PositionOfTest, CountsLinesAndByteColumnsFromOne) {
  const std::string text = "ab\ncd\n\nef";
  EXPECT_EQ(position_of(text, 0).line, 1u);
  EXPECT_EQ(position_of(text, 0).column, 1u);
  EXPECT_EQ(position_of(text, 4).line, 2u);
  EXPECT_EQ(position_of(text, 4).column, 2u);
  EXPECT_EQ(position_of(text, 8).line, 4u);
  EXPECT_EQ(position_of(text, 8).column, 2u);
}

TEST(EndOfContainerTest, SkipsStringsAndEscapes) {
  const std::string text = R"({"a":"}\"]"}{"b":[1]})";
  EXPECT_EQ(end_of_container(text, 0), 12u);
  EXPECT_EQ(end_of_container(text, 12), text.size());
  EXPECT_EQ(end_of_container("{\"a\":[1,2}", 0), std::nullopt);
  EXPECT_EQ(end_of_container("{\"a\":\"}", 0), std::nullopt);
}

TEST(ArrayElementsTest, ReturnsTheBytesOfEachElement) {
  const auto elements = array_elements(R"( [ {"a":[1,"]"]} ,"x\"y",  -1.5e3,true,null,[] ] )");
  ASSERT_EQ(elements.size(), 6u);
  EXPECT_EQ(elements[0], R"({"a":[1,"]"]})");
  EXPECT_EQ(elements[1], R"("x\"y")");
  EXPECT_EQ(elements[2], "-1.5e3");
  EXPECT_EQ(elements[3], "true");
  EXPECT_EQ(elements[4], "null");
  EXPECT_EQ(elements[5], "[]");
  EXPECT_TRUE(array_elements("[]").empty());
  EXPECT_TRUE(array_elements("[ \n ]").empty());
}

}  // namespace
}  // namespace caudal::http
