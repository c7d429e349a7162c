#include "pipeline/expr/compiler.h"

#include <algorithm>

#include <fmt/format.h>

#include "pipeline/event/arena.h"
#include "pipeline/expr/evaluator.h"
#include "pipeline/expr/functions.h"

namespace caudal::pipeline {
namespace {

// A value of `kind`, to run an operator on operands whose kinds (not values) are known: the
// same code as at run time then says whether the kinds fit, with the same message.
Value sample(ValueKind kind, Arena& arena) {
  switch (kind) {
    case ValueKind::kMissing: return Value::missing();
    case ValueKind::kNull: return Value::null();
    case ValueKind::kBool: return Value::boolean(true);
    case ValueKind::kInt: return Value::integer(1);
    case ValueKind::kDouble: return Value::real(1.5);
    case ValueKind::kString: return Value::string("s");
    case ValueKind::kTimestamp: return Value::timestamp(0);
    case ValueKind::kArray: return Value::array(Array::create(arena, 0));
    case ValueKind::kObject: return Value::object(Object::create(arena, 0));
  }
  return Value::missing();
}

class Compiler {
 public:
  Compiler(std::string_view text, Arena& constants, std::vector<Path>& fields)
      : text_(text), constants_(constants), fields_(fields) {}

  bool visit(std::unique_ptr<ExprNode>& node) {
    for (auto& child : node->children) {
      if (!visit(child)) return false;
    }
    switch (node->op) {
      case ExprOp::kConstant: node->kind = node->constant.kind(); return true;
      case ExprOp::kField:
        add_field(node->path);
        if (node->path.segments().size() == 1 && !node->path.segments()[0].is_index) {
          node->top_level_key = &node->path.segments()[0].key;
        }
        return true;
      case ExprOp::kIndex: break;
      case ExprOp::kCall:
        if (!bind(*node)) return false;
        break;
      case ExprOp::kNot:
      case ExprOp::kAnd:
      case ExprOp::kOr:
        for (auto& child : node->children) {
          if (!check_condition(*child)) return false;
        }
        node->kind = ValueKind::kBool;
        break;
      case ExprOp::kConditional:
        if (!check_condition(*node->children[0])) return false;
        if (node->children[1]->kind && node->children[1]->kind == node->children[2]->kind) {
          node->kind = node->children[1]->kind;
        }
        break;
      case ExprOp::kList: node->kind = ValueKind::kArray; break;
      default:
        if (!check_operator(*node)) return false;
        break;
    }
    return fold(node);
  }

  CompileProblem problem;

 private:
  bool fail(const ExprNode& at, ExprErrc code, std::string message) {
    problem.message = std::move(message);
    problem.offset = at.begin;
    problem.code = code;
    return false;
  }

  // Turns a failure of the shared evaluation code into a load-time problem.
  bool fail_with(const ExprNode& at, const Status& status) {
    auto code = static_cast<ExprErrc>(status.code().value());
    if (code == ExprErrc::kTypeMismatch || code == ExprErrc::kMissingValue) code = ExprErrc::kTypeError;
    return fail(at, code, status.message());
  }

  void add_field(const Path& path) {
    if (std::find(fields_.begin(), fields_.end(), path) == fields_.end()) fields_.push_back(path);
  }

  EvalContext context() {
    EvalContext ctx;
    ctx.arena = &constants_;
    ctx.text = text_;
    return ctx;
  }

  bool check_condition(const ExprNode& node) {
    if (!node.kind) return true;
    EvalContext ctx = context();
    bool flag = false;
    if (truth(node, sample(*node.kind, constants_), ctx, flag)) return true;
    return fail_with(node, ctx.error);
  }

  // Binary operators and negation: when every operand's kind is known, evaluate on samples
  // of those kinds; a kind error there is a kind error for every event.
  bool check_operator(ExprNode& node) {
    bool all_known = std::all_of(node.children.begin(), node.children.end(),
                                 [](const auto& child) { return child->kind.has_value(); });
    switch (node.op) {
      case ExprOp::kEqual:
      case ExprOp::kNotEqual:
      case ExprOp::kLess:
      case ExprOp::kLessEqual:
      case ExprOp::kGreater:
      case ExprOp::kGreaterEqual:
      case ExprOp::kIn:
      case ExprOp::kNotIn: node.kind = ValueKind::kBool; break;
      case ExprOp::kDivide: node.kind = ValueKind::kDouble; break;
      default: break;
    }
    if (!all_known) {
      // One known kind can still be wrong for every event: a bool, array or object in
      // arithmetic, or a literal null.
      if (node.op == ExprOp::kAdd || node.op == ExprOp::kSubtract || node.op == ExprOp::kMultiply ||
          node.op == ExprOp::kDivide || node.op == ExprOp::kModulo || node.op == ExprOp::kNegate) {
        for (const auto& child : node.children) {
          if (!child->kind) continue;
          ValueKind kind = *child->kind;
          if (kind == ValueKind::kBool || kind == ValueKind::kArray || kind == ValueKind::kObject ||
              kind == ValueKind::kNull) {
            return fail(*child, ExprErrc::kTypeError,
                        fmt::format("'{}' is {}, which '{}' cannot take", context().quote(*child),
                                    describe_kind(kind), op_text(node.op)));
          }
        }
      }
      return true;
    }
    ExprNode probe(node.op, node.begin, node.end);
    for (const auto& child : node.children) {
      auto operand = std::make_unique<ExprNode>(ExprOp::kConstant, child->begin, child->end);
      operand->constant = sample(*child->kind, constants_);
      probe.children.push_back(std::move(operand));
    }
    EvalContext ctx = context();
    Value result;
    if (!evaluate_node(probe, ctx, result)) {
      auto code = static_cast<ExprErrc>(ctx.error.code().value());
      if (code == ExprErrc::kTypeMismatch || code == ExprErrc::kMissingValue) {
        return fail_with(node, ctx.error);
      }
      return true;
    }
    node.kind = result.kind();
    return true;
  }

  bool bind(ExprNode& node) {
    std::string name = node.path.segments()[0].key;
    const FunctionSpec* spec = find_function(name);
    if (spec == nullptr) {
      return fail(node, ExprErrc::kUnknownFunction,
                  fmt::format("unknown function '{}' (functions: {})", name, function_names()));
    }
    node.function = spec;
    node.path = Path();
    size_t count = node.children.size();
    if (count < spec->min_args || count > spec->max_args) {
      std::string wanted;
      if (spec->min_args == spec->max_args) {
        wanted = fmt::format("{} argument{}", spec->min_args, spec->min_args == 1 ? "" : "s");
      } else if (spec->max_args == kVariadic) {
        wanted = fmt::format("at least {} argument{}", spec->min_args, spec->min_args == 1 ? "" : "s");
      } else {
        wanted = fmt::format("{} to {} arguments", spec->min_args, spec->max_args);
      }
      return fail(node, ExprErrc::kWrongArity,
                  fmt::format("{}() takes {}, not {}", spec->name, wanted, count));
    }
    EvalContext ctx = context();
    for (size_t i = 0; i < count; ++i) {
      ExprNode& argument = *node.children[i];
      Param param = spec->params[std::min<size_t>(i, spec->params.size() - 1)];
      if (param == Param::kPath) {
        if (argument.op != ExprOp::kField) {
          return fail(argument, ExprErrc::kInvalidArgument,
                      fmt::format("{}() takes a field path, like {}(user.id)", spec->name, spec->name));
        }
        continue;
      }
      if (param == Param::kStringLiteral &&
          (argument.op != ExprOp::kConstant || !argument.constant.is_string())) {
        return fail(argument, ExprErrc::kInvalidArgument,
                    fmt::format("{}(): argument {} must be a string literal (it is compiled once, at "
                                "load)",
                                spec->name, i + 1));
      }
      if (param == Param::kAny || !argument.kind) continue;
      ValueKind kind = *argument.kind;
      if (kind == ValueKind::kNull) {
        return fail(argument, ExprErrc::kTypeError,
                    fmt::format("{}(): argument {} is null", spec->name, i + 1));
      }
      bool fits = true;
      std::string_view wanted;
      switch (param) {
        case Param::kString:
        case Param::kStringLiteral:
          fits = kind == ValueKind::kString;
          wanted = "a string";
          break;
        case Param::kNumber:
          fits = kind == ValueKind::kInt || kind == ValueKind::kDouble;
          wanted = "a number";
          break;
        case Param::kInt:
          fits = kind == ValueKind::kInt;
          wanted = "an int";
          break;
        case Param::kTimestamp:
          fits = kind == ValueKind::kTimestamp;
          wanted = "a timestamp";
          break;
        default: break;
      }
      if (!fits) {
        argument_mismatch(node, i, sample(kind, constants_), wanted, ctx);
        return fail_with(argument, ctx.error);
      }
    }
    if (spec->style == CallStyle::kCoalesce) {
      // coalesce() has a known kind when every argument has the same one.
      std::optional<ValueKind> kind = node.children[0]->kind;
      for (const auto& argument : node.children) {
        if (argument->kind != kind) kind.reset();
      }
      node.kind = kind;
    } else {
      node.kind = spec->result;
    }
    if (spec->prepare != nullptr) {
      std::string error = spec->prepare(node);
      if (!error.empty()) return fail(node, ExprErrc::kInvalidArgument, std::move(error));
    }
    return true;
  }

  bool foldable(const ExprNode& node) const {
    if (node.op == ExprOp::kConstant || node.op == ExprOp::kField) return false;
    if (node.op == ExprOp::kCall && (!node.function->pure || node.function->style == CallStyle::kExists)) {
      return false;
    }
    return std::all_of(node.children.begin(), node.children.end(),
                       [](const auto& child) { return child->op == ExprOp::kConstant; });
  }

  bool fold(std::unique_ptr<ExprNode>& node) {
    if (!foldable(*node)) return true;
    EvalContext ctx = context();
    Value value;
    if (!evaluate_node(*node, ctx, value)) return fail_with(*node, ctx.error);
    auto constant = std::make_unique<ExprNode>(ExprOp::kConstant, node->begin, node->end);
    constant->constant = value;
    constant->kind = value.kind();
    node = std::move(constant);
    return true;
  }

  std::string_view text_;
  Arena& constants_;
  std::vector<Path>& fields_;
};

}  // namespace

CompileProblem compile_tree(std::unique_ptr<ExprNode>& root, std::string_view text,
                            Arena& constants, std::vector<Path>& fields) {
  Compiler compiler(text, constants, fields);
  compiler.visit(root);
  return compiler.problem;
}

}  // namespace caudal::pipeline
