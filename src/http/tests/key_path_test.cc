#include "http/ingest/key_path.h"

#include <gtest/gtest.h>

#include "http/errc.h"

namespace caudal::http {
namespace {

std::optional<std::string> key_of(std::string_view path, std::string json) {
  simdjson::dom::parser parser;
  simdjson::dom::element event = parser.parse(json).value();
  std::string key;
  if (!KeyPath::parse(path).value().extract(event, key)) return std::nullopt;
  return key;
}

TEST(KeyPathTest, FollowsNestedFields) {
  EXPECT_EQ(key_of("id", R"({"id":"s-1"})"), "s-1");
  EXPECT_EQ(key_of("device.id", R"({"device":{"id":"d\u00e9"}})"), "d\xc3\xa9");
  EXPECT_EQ(key_of("a.b.c", R"({"a":{"b":{"c":"deep"}}})"), "deep");
}

TEST(KeyPathTest, FormatsNonStrings) {
  EXPECT_EQ(key_of("n", R"({"n":42})"), "42");
  EXPECT_EQ(key_of("n", R"({"n":-7})"), "-7");
  EXPECT_EQ(key_of("n", R"({"n":18446744073709551615})"), "18446744073709551615");
  EXPECT_EQ(key_of("n", R"({"n":4.50})"), "4.5");
  EXPECT_EQ(key_of("b", R"({"b":true})"), "true");
  EXPECT_EQ(key_of("o", R"({"o":{ "x" : [1, 2] }})"), R"({"x":[1,2]})");
}

TEST(KeyPathTest, MissingOrNullMeansNoKey) {
  EXPECT_EQ(key_of("id", R"({"other":1})"), std::nullopt);
  EXPECT_EQ(key_of("id", R"({"id":null})"), std::nullopt);
  EXPECT_EQ(key_of("a.b", R"({"a":"not an object"})"), std::nullopt);
  EXPECT_EQ(key_of("id", R"([1,2])"), std::nullopt);
}

TEST(KeyPathTest, EmptyFieldNamesAreRefused) {
  for (std::string_view bad : {"", ".", "a..b", ".a", "a."}) {
    Result<KeyPath> path = KeyPath::parse(bad);
    ASSERT_FALSE(path.ok()) << bad;
    EXPECT_EQ(path.status().code(), Errc::kInvalidRequest);
  }
}

}  // namespace
}  // namespace caudal::http
