#include "http/function_ref.h"

#include <string>

#include <gtest/gtest.h>

namespace caudal::http {
namespace {

int apply(FunctionRef<int(int)> function, int value) { return function(value); }

TEST(FunctionRefTest, CallsTheReferencedLambdaWithItsCaptures) {
  int calls = 0;
  const int offset = 40;
  auto add = [&calls, offset](int value) {
    ++calls;
    return value + offset;
  };
  EXPECT_EQ(apply(add, 2), 42);
  EXPECT_EQ(apply(add, -40), 0);
  EXPECT_EQ(calls, 2);  // the lambda itself ran, not a copy of it
}

TEST(FunctionRefTest, ForwardsArgumentsByReference) {
  std::string text = "event";
  auto append = [](std::string& out) { out += " seen"; };
  FunctionRef<void(std::string&)> function(append);
  function(text);
  EXPECT_EQ(text, "event seen");
}

TEST(FunctionRefTest, ReferencesAConstCallableAndAPlainFunction) {
  const auto twice = [](int value) { return 2 * value; };
  EXPECT_EQ(apply(twice, 21), 42);
  int (*negate)(int) = [](int value) { return -value; };
  EXPECT_EQ(apply(negate, 5), -5);
}

}  // namespace
}  // namespace caudal::http
