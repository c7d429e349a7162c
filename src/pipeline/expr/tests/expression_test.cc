#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pipeline/event/json.h"
#include "pipeline/expr/errc.h"
#include "pipeline/expr/expression.h"

namespace caudal::pipeline {
namespace {

Expression compile(std::string_view text) {
  auto compiled = Expression::compile(text);
  EXPECT_TRUE(compiled.ok()) << compiled.status().to_string();
  return std::move(compiled).value();
}

std::string json_of(Value value) {
  std::string out;
  write_json(value, out);
  return out;
}

TEST(ExpressionTest, EvaluatesAComparisonOverOneEvent) {
  EventBatch batch;
  ASSERT_TRUE(batch.append_json(R"({"temperature": 31.5, "max_temperature": 30})", {}).ok());
  Expression expression = compile("temperature > max_temperature");
  auto result = expression.test(batch, 0);
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_TRUE(*result);
  ASSERT_EQ(expression.fields().size(), 2u);
  EXPECT_EQ(expression.fields()[0].text(), "temperature");
  EXPECT_EQ(expression.result_kind(), ValueKind::kBool);
}

TEST(ExpressionTest, FilterNarrowsTheSelectionAndReportsFailures) {
  EventBatch batch;
  for (std::string_view json : {R"({"t": 10})", R"({"t": 50})", R"({"t": "hot"})", R"({})",
                                R"({"t": 40})"}) {
    ASSERT_TRUE(batch.append_json(json, {}).ok());
  }
  Expression expression = compile("t > 20");
  std::vector<EvalFailure> failures;
  expression.filter(batch, true, failures);
  EXPECT_EQ(std::vector<uint32_t>(batch.selection().begin(), batch.selection().end()),
            (std::vector<uint32_t>{1, 4}));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].event, 2u);
  EXPECT_EQ(failures[0].reason.code(), ExprErrc::kTypeMismatch);
  EXPECT_EQ(failures[0].reason.message(), "cannot compare a string with an int, in 't > 20'");
}

TEST(ExpressionTest, DropKeepsEventsWhoseConditionIsNull) {
  EventBatch batch;
  for (std::string_view json : {R"({"debug": true})", R"({"debug": false})", R"({})"}) {
    ASSERT_TRUE(batch.append_json(json, {}).ok());
  }
  std::vector<EvalFailure> failures;
  compile("debug").filter(batch, false, failures);
  EXPECT_EQ(std::vector<uint32_t>(batch.selection().begin(), batch.selection().end()),
            (std::vector<uint32_t>{1, 2}));
  EXPECT_TRUE(failures.empty());
}

TEST(ExpressionTest, EvaluateFillsOneValuePerSelectedEvent) {
  EventBatch batch;
  for (std::string_view json : {R"({"type": "motion"})", R"({"type": "smoke"})", R"({"x": 1})"}) {
    ASSERT_TRUE(batch.append_json(json, {}).ok());
  }
  Expression expression = compile("type == 'motion' ? 1 : 3");
  std::vector<Value> values;
  std::vector<EvalFailure> failures;
  expression.evaluate(batch, values, failures);
  ASSERT_EQ(values.size(), 3u);
  EXPECT_EQ(json_of(values[0]), "1");
  EXPECT_EQ(json_of(values[1]), "3");
  EXPECT_EQ(json_of(values[2]), "3");
}

TEST(ExpressionTest, CompileErrorsCarryLineAndColumn) {
  CompileError error;
  auto compiled = Expression::compile("a > 1 and\n  'a' - 1 > 2", &error);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), ExprErrc::kTypeError);
  EXPECT_EQ(error.line, 2u);
  EXPECT_EQ(error.column, 3u);
  EXPECT_EQ(compiled.status().message(),
            "line 2, column 3: cannot apply '-' to a string and an int, in ''a' - 1'");
}

TEST(ExpressionTest, ConstantsFoldAtLoad) {
  Expression expression = compile("concat('a', 'b') + upper('c')");
  EXPECT_TRUE(expression.is_constant());
  EventBatch batch;
  batch.append_empty({});
  auto value = expression.evaluate(batch, 0);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->as_string(), "abC");
  auto zero = Expression::compile("1 / 0");
  EXPECT_EQ(zero.status().code(), ExprErrc::kDivisionByZero);
}

}  // namespace
}  // namespace caudal::pipeline
