// Expression: a compiled expression of the pipeline language (docs/expressions.md), such as
//   temperature > max_temperature and not exists(acknowledged)
//   type == 'motion' ? 1 : 3
//   lower(customer.address.city) in ['lyon', 'paris']
//
// Compiled once at load: parsed into a tree, names resolved, regexes and time formats
// compiled, types checked where they are known (a literal, an operator's result, a function's
// return type; fields are of unknown type until run time), constant sub-expressions folded.
// Load-time errors carry the line and column inside the expression text, so the config loader
// can add the YAML position of the text.
//
// Evaluation never throws and never aborts on data: a failure (a missing field in arithmetic,
// a bad cast, overflow) is a Status whose message names the sub-expression and the reason,
// for the runtime to dead-letter the event.
//
// Semantics of null and missing, in short (the doc has the full table): a missing field reads
// as `missing`, which behaves like null; comparisons (<, <=, >, >=) with null are false,
// == and != treat null as a value (null == null); `and`, `or`, `not`, `?:` and conditions take
// null as false; arithmetic and string functions on null are errors; coalesce() and exists()
// are the ways to handle absent fields.
//
// Thread-safety: an Expression is immutable after compile; any number of threads may evaluate
// it at once. Values it returns may point into the batch's arena (computed strings) or into the
// Expression (constant strings): the Expression must outlive the batches it evaluated.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/event/path.h"
#include "pipeline/event/value.h"

namespace caudal::pipeline {

struct ExprNode;

// A load-time error in parts: the position is inside the expression text, 1-based.
struct CompileError {
  uint32_t line = 0;
  uint32_t column = 0;
  std::string message;  // without the position
};

// An event whose evaluation failed: its index in the batch and why.
struct EvalFailure {
  uint32_t event = 0;
  Status reason;
};

class Expression {
 public:
  // Compiles `text`. A failure's Status message is "line L, column C: <message>" (kSyntax,
  // kTypeError, kUnknownFunction, kWrongArity, kInvalidArgument, kTooComplex); `error`, when
  // given, receives the same parts separately.
  static Result<Expression> compile(std::string_view text, CompileError* error = nullptr);

  Expression(Expression&&) noexcept;
  Expression& operator=(Expression&&) noexcept;
  ~Expression();

  const std::string& text() const;

  // The statically known kind of the result, or nullopt when it depends on the data.
  std::optional<ValueKind> result_kind() const;

  // Whether the whole expression folded to a constant (no fields, no now()).
  bool is_constant() const;

  // The field paths the expression reads, each once, in order of first appearance.
  const std::vector<Path>& fields() const;

  // Binds the top-level fields the expression reads to their slots in `projection`, which
  // must already hold them (Projection::add_path of fields()) and outlive the expression: on
  // events decoded with it, they are then read from the event's slots instead of looked up
  // by key. Load time only, before any evaluation (it changes the compiled form; the only
  // change after compile). Binding again, to another projection, replaces the binding.
  void bind_slots(const Projection& projection) const;

  // The value for one event of `batch` (computed strings go to the batch's arena).
  Result<Value> evaluate(EventBatch& batch, uint32_t event) const;

  // The value for every selected event: on return values.size() == selection().size() and
  // values[k] belongs to batch.selection()[k]. An event that fails gets Value::missing() and
  // an entry in `failures` (appended to). One call per batch.
  void evaluate(EventBatch& batch, std::vector<Value>& values,
                std::vector<EvalFailure>& failures) const;

  // The expression as a condition for one event: true only for the boolean true; null and
  // missing are false; any other kind of value is a kTypeMismatch failure.
  Result<bool> test(EventBatch& batch, uint32_t event) const;

  // Narrows batch.selection() to the events whose condition equals `keep_when` (a `filter`
  // step passes true, a `drop` step false: null counts as false, so drop keeps events whose
  // condition is null). Events whose evaluation fails leave the selection and are appended to
  // `failures`.
  void filter(EventBatch& batch, bool keep_when, std::vector<EvalFailure>& failures) const;

 private:
  struct Compiled;
  explicit Expression(std::unique_ptr<Compiled> compiled);

  std::unique_ptr<Compiled> compiled_;
};

}  // namespace caudal::pipeline
