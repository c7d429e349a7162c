// libFuzzer target for the expression language: the first line of the input is an expression,
// the rest an event. Beyond not crashing on any text (deep nesting, huge numbers, invalid
// UTF-8, hostile regexes and time formats), it checks that a compile error points inside the
// text, that every run-time failure has a reason, and that every value an expression returns
// writes out as JSON that parses back.
//
// Seeds: corpus/expression/ (see fuzz/CMakeLists.txt and fuzz/run.sh).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/check.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/event/json.h"
#include "pipeline/expr/expression.h"

namespace caudal::pipeline {
namespace {

void check_value_round_trip(EventBatch& batch, Value value) {
  std::string json;
  write_json(value, json);
  auto back = batch.parse_json(json);
  CAUDAL_CHECK(back.ok(), "an expression's value must write as JSON: " + json);
}

void run(std::string_view input) {
  size_t newline = input.find('\n');
  std::string_view text = input.substr(0, newline);
  std::string_view event = newline == std::string_view::npos ? "{}" : input.substr(newline + 1);

  CompileError error;
  auto compiled = Expression::compile(text, &error);
  if (!compiled.ok()) {
    CAUDAL_CHECK(error.line >= 1 && error.column >= 1, "a compile error has a position");
    CAUDAL_CHECK(error.column <= text.size() + 1, "a compile error points inside the text");
    CAUDAL_CHECK(!error.message.empty(), "a compile error says what is wrong");
    return;
  }
  EventBatch batch;
  batch.set_processing_time(1'714'566'600'000'000'000);
  if (!batch.append_json(event, SourcePosition{}).ok()) batch.append_empty(SourcePosition{});
  batch.append_empty(SourcePosition{});

  std::vector<Value> values;
  std::vector<EvalFailure> failures;
  compiled->evaluate(batch, values, failures);
  CAUDAL_CHECK(values.size() == batch.selection().size(), "one value per selected event");
  for (const EvalFailure& failure : failures) {
    CAUDAL_CHECK(!failure.reason.ok() && !failure.reason.message().empty(),
                 "a failure has a reason");
  }
  for (Value value : values) check_value_round_trip(batch, value);

  failures.clear();
  compiled->filter(batch, true, failures);
  CAUDAL_CHECK(batch.selection().size() + failures.size() <= 2, "filter only narrows");
}

}  // namespace
}  // namespace caudal::pipeline

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  caudal::pipeline::run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
