#include "index/json.h"

#include <gtest/gtest.h>

#include "index/errc.h"

namespace caudal::index {
namespace {

TEST(JsonTest, ParsesAndDumpsEveryKind) {
  auto json = parse_json(R"({"a":[1,-2.5,true,false,null],"s":"x\"\u00e9\ud83d\ude00","o":{}})");
  ASSERT_TRUE(json.ok()) << json.status().message();
  EXPECT_EQ(json->dump(), "{\"a\":[1,-2.5,true,false,null],\"s\":\"x\\\"é😀\",\"o\":{}}");
  EXPECT_EQ(json->find("a")->items()[0].as_int(), 1);
  EXPECT_TRUE(json->find("a")->items()[1].is_number());
}

TEST(JsonTest, RemembersPositions) {
  auto json = parse_json("{\n  \"query\": {\n    \"bogus\": 1}}");
  ASSERT_TRUE(json.ok());
  const Json* inner = json->find("query")->find("bogus");
  EXPECT_EQ(inner->line(), 3u);
  EXPECT_EQ(inner->column(), 14u);
  EXPECT_EQ(json->find("query")->where(), "[2:12]");
}

TEST(JsonTest, RefusesMalformedTextWithPosition) {
  for (const char* text :
       {"{", "{\"a\" 1}", "[1,]", "\"abc", "01x", "{\"a\":1}}", "[\"\\ud800\"]"}) {
    auto json = parse_json(text);
    ASSERT_FALSE(json.ok()) << text;
    EXPECT_EQ(json.status().code(), Errc::kParsing);
    EXPECT_EQ(json.status().message().front(), '[') << json.status().message();
  }
  std::string deep(1000, '[');
  EXPECT_FALSE(parse_json(deep).ok());
}

TEST(JsonTest, ParsingIntoAUsedValueLeavesNothingOfTheOldOne) {
  // Each text differs from the one before in kinds, sizes and nesting: the reused value must
  // come out exactly as a fresh parse.
  const char* texts[] = {
      R"({"a":"a long string value here","b":[1,2,{"c":"d"}],"e":{"f":true,"g":null}})",
      R"({"a":7,"b":"x","e":[{"f":1.5}],"h":"new"})",
      R"({"b":[],"a":{}})",
      R"([{"a":1},"s",null])",
      R"({"a":"a long string value here","b":[1,2,{"c":"d"}],"e":{"f":true,"g":null}})",
  };
  Json reused;
  for (const char* text : texts) {
    ASSERT_TRUE(parse_json_into(text, reused).ok()) << text;
    EXPECT_EQ(reused.dump(), parse_json(text)->dump());
  }
  EXPECT_FALSE(parse_json_into("{\"a\":", reused).ok());
  ASSERT_TRUE(parse_json_into("{\"z\":1}", reused).ok());
  EXPECT_EQ(reused.dump(), "{\"z\":1}");
}

TEST(JsonTest, PrettyIndentsByTwo) {
  auto json = parse_json(R"({"a":[1]})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->dump(true), "{\n  \"a\" : [\n    1\n  ]\n}");
}

}  // namespace
}  // namespace caudal::index
