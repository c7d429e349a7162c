#include "http/query.h"

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percent_decode("plus+stays"), "plus+stays");
  EXPECT_EQ(percent_decode("%e2%82%AC"), "\xe2\x82\xac");
  EXPECT_EQ(percent_decode("bad%2"), std::nullopt);
  EXPECT_EQ(percent_decode("bad%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("%"), std::nullopt);
}

TEST(QueryParamTest, FindsDecodedValues) {
  EXPECT_EQ(query_param("/v1/topics/t?key=device.id", "key"), "device.id");
  EXPECT_EQ(query_param("/x?a=1&key=a%2Eb+c&key=second", "key"), "a.b c");
  EXPECT_EQ(query_param("/x?pretty&key=", "pretty"), "");
  EXPECT_EQ(query_param("/x?pretty&key=", "key"), "");
  EXPECT_EQ(query_param("/x?a=1", "key"), std::nullopt);
  EXPECT_EQ(query_param("/x", "key"), std::nullopt);
  EXPECT_EQ(query_param("/x?key=%zz", "key"), std::nullopt);
}

}  // namespace
}  // namespace caudal::http
