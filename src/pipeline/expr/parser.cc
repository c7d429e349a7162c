#include "pipeline/expr/parser.h"

#include <fmt/format.h>

#include "pipeline/event/arena.h"
#include "pipeline/expr/lexer.h"

namespace caudal::pipeline {
namespace {

using NodePtr = std::unique_ptr<ExprNode>;

std::string_view token_text(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd: return "the end of the expression";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kRBracket: return "']'";
    case TokenKind::kColon: return "':'";
    case TokenKind::kComma: return "','";
    default: return "a token";
  }
}

class Parser {
 public:
  Parser(std::string_view text, Arena& constants) : text_(text), lexer_(text), constants_(constants) {
    advance();
  }

  ParseOutcome run() {
    ParseOutcome outcome;
    NodePtr root = conditional();
    if (root && current_.kind != TokenKind::kEnd) {
      fail(current_.begin, fmt::format("unexpected '{}' after a complete expression", current_text()));
      root.reset();
    }
    if (!root) {
      outcome.error = error_;
      outcome.error_offset = error_offset_;
      outcome.error_code = error_code_;
      return outcome;
    }
    outcome.root = std::move(root);
    return outcome;
  }

 private:
  void advance() {
    current_ = lexer_.next();
    if (current_.kind == TokenKind::kError && error_.empty()) fail(current_.begin, current_.text);
  }

  std::string_view current_text() const {
    return text_.substr(current_.begin, current_.end - current_.begin);
  }

  std::nullptr_t fail(uint32_t offset, std::string message, ExprErrc code = ExprErrc::kSyntax) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_offset_ = offset;
      error_code_ = code;
    }
    return nullptr;
  }

  std::nullptr_t unexpected(std::string_view wanted) {
    if (current_.kind == TokenKind::kError) return nullptr;
    if (current_.kind == TokenKind::kEnd) {
      return fail(current_.begin, fmt::format("expected {}, found the end of the expression", wanted));
    }
    return fail(current_.begin, fmt::format("expected {}, found '{}'", wanted, current_text()));
  }

  bool expect(TokenKind kind) {
    if (current_.kind == kind) {
      advance();
      return true;
    }
    unexpected(token_text(kind));
    return false;
  }

  NodePtr make(ExprOp op, uint32_t begin, uint32_t end) {
    return std::make_unique<ExprNode>(op, begin, end);
  }

  NodePtr binary(ExprOp op, NodePtr left, NodePtr right) {
    NodePtr node = make(op, left->begin, right->end);
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    return node;
  }

  // Guards every recursive descent: hostile text like "((((((..." stops here.
  struct Depth {
    explicit Depth(Parser& parser) : parser_(parser) { ++parser_.depth_; }
    ~Depth() { --parser_.depth_; }
    bool too_deep() const { return parser_.depth_ > kMaxNesting; }
    Parser& parser_;
  };

  NodePtr conditional() {
    Depth depth(*this);
    if (depth.too_deep()) return too_deep();
    NodePtr condition = or_expression();
    if (!condition || current_.kind != TokenKind::kQuestion) return condition;
    advance();
    NodePtr then_branch = conditional();
    if (!then_branch || !expect(TokenKind::kColon)) return nullptr;
    NodePtr else_branch = conditional();
    if (!else_branch) return nullptr;
    NodePtr node = make(ExprOp::kConditional, condition->begin, else_branch->end);
    node->children.push_back(std::move(condition));
    node->children.push_back(std::move(then_branch));
    node->children.push_back(std::move(else_branch));
    return node;
  }

  NodePtr or_expression() {
    NodePtr left = and_expression();
    while (left && current_.kind == TokenKind::kOr) {
      advance();
      NodePtr right = and_expression();
      if (!right) return nullptr;
      left = binary(ExprOp::kOr, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr and_expression() {
    NodePtr left = not_expression();
    while (left && current_.kind == TokenKind::kAnd) {
      advance();
      NodePtr right = not_expression();
      if (!right) return nullptr;
      left = binary(ExprOp::kAnd, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr not_expression() {
    if (current_.kind != TokenKind::kNot) return comparison();
    Depth depth(*this);
    if (depth.too_deep()) return too_deep();
    uint32_t begin = current_.begin;
    advance();
    NodePtr operand = not_expression();
    if (!operand) return nullptr;
    NodePtr node = make(ExprOp::kNot, begin, operand->end);
    node->children.push_back(std::move(operand));
    return node;
  }

  NodePtr comparison() {
    NodePtr left = additive();
    if (!left) return nullptr;
    ExprOp op;
    switch (current_.kind) {
      case TokenKind::kEqual: op = ExprOp::kEqual; break;
      case TokenKind::kNotEqual: op = ExprOp::kNotEqual; break;
      case TokenKind::kLess: op = ExprOp::kLess; break;
      case TokenKind::kLessEqual: op = ExprOp::kLessEqual; break;
      case TokenKind::kGreater: op = ExprOp::kGreater; break;
      case TokenKind::kGreaterEqual: op = ExprOp::kGreaterEqual; break;
      case TokenKind::kIn: op = ExprOp::kIn; break;
      case TokenKind::kNot: {
        advance();
        if (current_.kind != TokenKind::kIn) return unexpected("'in' after 'not'");
        op = ExprOp::kNotIn;
        break;
      }
      default: return left;
    }
    advance();
    NodePtr right = additive();
    if (!right) return nullptr;
    switch (current_.kind) {
      case TokenKind::kEqual:
      case TokenKind::kNotEqual:
      case TokenKind::kLess:
      case TokenKind::kLessEqual:
      case TokenKind::kGreater:
      case TokenKind::kGreaterEqual:
      case TokenKind::kIn:
        return fail(current_.begin,
                    "comparisons cannot be chained; combine them with 'and' (a < b and b < c)");
      default: break;
    }
    return binary(op, std::move(left), std::move(right));
  }

  NodePtr additive() {
    NodePtr left = multiplicative();
    while (left && (current_.kind == TokenKind::kPlus || current_.kind == TokenKind::kMinus)) {
      ExprOp op = current_.kind == TokenKind::kPlus ? ExprOp::kAdd : ExprOp::kSubtract;
      advance();
      NodePtr right = multiplicative();
      if (!right) return nullptr;
      left = binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr multiplicative() {
    NodePtr left = unary();
    while (left && (current_.kind == TokenKind::kStar || current_.kind == TokenKind::kSlash ||
                    current_.kind == TokenKind::kPercent)) {
      ExprOp op = current_.kind == TokenKind::kStar    ? ExprOp::kMultiply
                  : current_.kind == TokenKind::kSlash ? ExprOp::kDivide
                                                       : ExprOp::kModulo;
      advance();
      NodePtr right = unary();
      if (!right) return nullptr;
      left = binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr unary() {
    if (current_.kind != TokenKind::kMinus && current_.kind != TokenKind::kBang) return postfix();
    Depth depth(*this);
    if (depth.too_deep()) return too_deep();
    uint32_t begin = current_.begin;
    ExprOp op = current_.kind == TokenKind::kMinus ? ExprOp::kNegate : ExprOp::kNot;
    advance();
    NodePtr operand = unary();
    if (!operand) return nullptr;
    NodePtr node = make(op, begin, operand->end);
    node->children.push_back(std::move(operand));
    return node;
  }

  NodePtr postfix() {
    NodePtr node = primary();
    while (node) {
      Path suffix;
      uint32_t end;
      if (current_.kind == TokenKind::kLBracket) {
        advance();
        if (current_.kind == TokenKind::kInt) {
          suffix = Path::index(current_.int_value);
        } else if (current_.kind == TokenKind::kMinus) {
          advance();
          if (current_.kind != TokenKind::kInt) return unexpected("an array index");
          suffix = Path::index(-current_.int_value);
        } else if (current_.kind == TokenKind::kString) {
          suffix = Path::key(current_.text);
        } else {
          return unexpected("an integer index or a quoted key (indexes must be literals)");
        }
        advance();
        end = current_.end;
        if (!expect(TokenKind::kRBracket)) return nullptr;
      } else if (current_.kind == TokenKind::kPath && text_[current_.begin] == '.') {
        // `capture(...).user`: the lexer reads ".user" as a path with a leading dot.
        suffix = current_.path;
        end = current_.end;
        advance();
      } else if (current_.kind == TokenKind::kDot) {
        advance();
        if (current_.kind != TokenKind::kPath || current_.path.segments().size() != 1 ||
            current_.path.segments()[0].is_index) {
          return unexpected("a key after '.'");
        }
        suffix = current_.path;
        end = current_.end;
        advance();
      } else {
        break;
      }
      if (node->op == ExprOp::kField || node->op == ExprOp::kIndex) {
        node->path = node->path.append(suffix);
        node->end = end;
      } else {
        NodePtr index = make(ExprOp::kIndex, node->begin, end);
        index->path = std::move(suffix);
        index->children.push_back(std::move(node));
        node = std::move(index);
      }
    }
    return node;
  }

  NodePtr primary() {
    uint32_t begin = current_.begin;
    uint32_t end = current_.end;
    switch (current_.kind) {
      case TokenKind::kInt: {
        NodePtr node = make(ExprOp::kConstant, begin, end);
        node->constant = Value::integer(current_.int_value);
        advance();
        return node;
      }
      case TokenKind::kFloat: {
        NodePtr node = make(ExprOp::kConstant, begin, end);
        node->constant = Value::real(current_.float_value);
        advance();
        return node;
      }
      case TokenKind::kString: {
        NodePtr node = make(ExprOp::kConstant, begin, end);
        node->constant = Value::string(constants_.copy(current_.text));
        advance();
        return node;
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse: {
        NodePtr node = make(ExprOp::kConstant, begin, end);
        node->constant = Value::boolean(current_.kind == TokenKind::kTrue);
        advance();
        return node;
      }
      case TokenKind::kNull: {
        NodePtr node = make(ExprOp::kConstant, begin, end);
        node->constant = Value::null();
        advance();
        return node;
      }
      case TokenKind::kPath: {
        NodePtr node = make(ExprOp::kField, begin, end);
        node->path = std::move(current_.path);
        advance();
        return node;
      }
      case TokenKind::kFunction: return call();
      case TokenKind::kLBracket: return list();
      case TokenKind::kLParen: {
        advance();
        NodePtr inner = conditional();
        if (!inner) return nullptr;
        if (current_.kind != TokenKind::kRParen) return unexpected("')'");
        // The parenthesized range, so messages quote "(a + b)" as written.
        inner->begin = begin;
        inner->end = current_.end;
        advance();
        return inner;
      }
      default: return unexpected("a value, a field or a function call");
    }
  }

  NodePtr call() {
    NodePtr node = make(ExprOp::kCall, current_.begin, current_.end);
    node->path = Path::key(current_.text);  // the function's name until the compiler binds it
    advance();
    if (current_.kind != TokenKind::kLParen) return unexpected("'('");
    return items(std::move(node), TokenKind::kRParen, "',' or ')'");
  }

  NodePtr list() {
    return items(make(ExprOp::kList, current_.begin, current_.end), TokenKind::kRBracket,
                 "',' or ']'");
  }

  // The comma-separated children of a call or a list; `current_` is the opening token.
  NodePtr items(NodePtr node, TokenKind close, std::string_view wanted) {
    Depth depth(*this);
    if (depth.too_deep()) return too_deep();
    advance();
    if (current_.kind != close) {
      while (true) {
        NodePtr item = conditional();
        if (!item) return nullptr;
        node->children.push_back(std::move(item));
        if (current_.kind != TokenKind::kComma) break;
        advance();
      }
    }
    if (current_.kind != close) return unexpected(wanted);
    node->end = current_.end;
    advance();
    return node;
  }

  std::nullptr_t too_deep() {
    return fail(current_.begin, fmt::format("expression nested deeper than {} levels", kMaxNesting),
                ExprErrc::kTooComplex);
  }

  std::string_view text_;
  Lexer lexer_;
  Arena& constants_;
  Token current_;
  int depth_ = 0;
  std::string error_;
  uint32_t error_offset_ = 0;
  ExprErrc error_code_ = ExprErrc::kSyntax;
};

}  // namespace

ParseOutcome parse_expression(std::string_view text, Arena& constants) {
  if (text.size() > kMaxExpressionBytes) {
    ParseOutcome outcome;
    outcome.error = fmt::format("expression longer than {} bytes", kMaxExpressionBytes);
    outcome.error_code = ExprErrc::kTooComplex;
    return outcome;
  }
  return Parser(text, constants).run();
}

}  // namespace caudal::pipeline
