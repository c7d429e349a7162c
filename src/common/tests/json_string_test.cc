#include "common/json_string.h"

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace caudal {
namespace {

TEST(JsonStringTest, EscapesQuotesBackslashesAndEveryControlCharacter) {
  std::string out;
  append_json_escaped(out, std::string_view("a\"b\\c\nd\re\tf\bg\fh\x01i\x1fj\0k", 21));
  EXPECT_EQ(out, R"(a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fj\u0000k)");
}

TEST(JsonStringTest, PlainTextAndUtf8PassThrough) {
  std::string out = "x";
  append_json_escaped(out, "caf\xc3\xa9 ok");
  EXPECT_EQ(out, "xcaf\xc3\xa9 ok");
  std::string empty;
  append_json_escaped(empty, "");
  EXPECT_EQ(empty, "");
}

TEST(JsonStringTest, QuotedFormIntoAnyBuffer) {
  std::string out;
  append_json_string(out, "say \"hi\"");
  EXPECT_EQ(out, R"("say \"hi\"")");
  fmt::memory_buffer buffer;
  append_json_string(buffer, "tab\there");
  EXPECT_EQ(fmt::to_string(buffer), R"("tab\there")");
}

}  // namespace
}  // namespace caudal
