// Lexer of the expression language: turns the text into tokens on demand, each with its byte
// range, for the parser (parser.h). Field paths are one token, scanned with Path::scan, so a
// path means the same in an expression as anywhere else in a config.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/event/path.h"

namespace caudal::pipeline {

enum class TokenKind : uint8_t {
  kEnd,
  kError,     // `text` of the token holds the message
  kInt,
  kFloat,
  kString,
  kPath,      // a field path
  kFunction,  // a bare name directly followed by '('
  kTrue,
  kFalse,
  kNull,
  kAnd,       // and, &&
  kOr,        // or, ||
  kNot,       // not
  kBang,      // !
  kIn,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kQuestion,
  kColon,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  uint32_t begin = 0;  // byte offsets in the expression text
  uint32_t end = 0;
  int64_t int_value = 0;
  double float_value = 0;
  std::string text;  // string literal contents (unescaped), function name, or error message
  Path path;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Token next();

  // The offset just after the last token returned.
  uint32_t position() const { return static_cast<uint32_t>(pos_); }

 private:
  Token number(size_t start);
  Token string_literal(size_t start);
  Token word_or_path(size_t start);
  Token error(size_t at, std::string message);

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace caudal::pipeline
