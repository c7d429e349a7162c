#include <gtest/gtest.h>

#include "common/errc.h"
#include "common/result.h"

namespace caudal {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return Status(Errc::kInvalidArgument, "must be positive");
  return v;
}

Result<int> doubled(int v) {
  CAUDAL_ASSIGN_OR_RETURN(int x, parse_positive(v));
  return x * 2;
}

Status check_all(std::initializer_list<int> values) {
  for (int v : values) CAUDAL_RETURN_IF_ERROR(parse_positive(v).status());
  return Status();
}

TEST(StatusTest, OkAndError) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.to_string(), "ok");

  Status bad(Errc::kTruncated, "3 bytes missing");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), make_error_code(Errc::kTruncated));
  EXPECT_EQ(bad.to_string(), "common.truncated: 3 bytes missing");
  EXPECT_EQ(bad.with_context("reading header").message(), "reading header: 3 bytes missing");
}

TEST(StatusTest, ResultPropagation) {
  EXPECT_EQ(doubled(4).value(), 8);
  Result<int> failed = doubled(-1);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(), "must be positive");
  EXPECT_EQ(failed.value_or(7), 7);
  EXPECT_TRUE(check_all({1, 2}).ok());
  EXPECT_EQ(check_all({1, 0, 2}).code(), make_error_code(Errc::kInvalidArgument));
}

TEST(StatusDeathTest, ValueOfFailedResultAborts) {
  Result<int> failed = Status(Errc::kIo, "disk gone");
  EXPECT_DEATH((void)failed.value(), "disk gone");
}

}  // namespace
}  // namespace caudal
