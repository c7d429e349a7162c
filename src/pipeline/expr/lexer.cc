#include "pipeline/expr/lexer.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace caudal::pipeline {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void append_utf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

struct Keyword {
  std::string_view word;
  TokenKind kind;
};

constexpr Keyword kKeywords[] = {
    {"and", TokenKind::kAnd},   {"or", TokenKind::kOr},       {"not", TokenKind::kNot},
    {"in", TokenKind::kIn},     {"true", TokenKind::kTrue},   {"false", TokenKind::kFalse},
    {"null", TokenKind::kNull},
};

}  // namespace

Token Lexer::error(size_t at, std::string message) {
  Token token;
  token.kind = TokenKind::kError;
  token.begin = static_cast<uint32_t>(at);
  token.end = static_cast<uint32_t>(at);
  token.text = std::move(message);
  pos_ = text_.size();
  return token;
}

Token Lexer::next() {
  while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  Token token;
  token.begin = static_cast<uint32_t>(pos_);
  if (pos_ >= text_.size()) {
    token.end = token.begin;
    return token;
  }
  size_t start = pos_;
  char c = text_[pos_];
  char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  auto single = [&](TokenKind kind, size_t length) {
    pos_ += length;
    token.kind = kind;
    token.end = static_cast<uint32_t>(pos_);
    return token;
  };
  if (is_digit(c)) return number(start);
  if (c == '\'' || c == '"') return string_literal(start);
  if (is_key_start(c)) return word_or_path(start);
  if (c == '.' && (next == '"' || next == '\'' || is_key_start(next))) return word_or_path(start);
  switch (c) {
    case '(': return single(TokenKind::kLParen, 1);
    case ')': return single(TokenKind::kRParen, 1);
    case '[': return single(TokenKind::kLBracket, 1);
    case ']': return single(TokenKind::kRBracket, 1);
    case ',': return single(TokenKind::kComma, 1);
    case '.': return single(TokenKind::kDot, 1);
    case '?': return single(TokenKind::kQuestion, 1);
    case ':': return single(TokenKind::kColon, 1);
    case '+': return single(TokenKind::kPlus, 1);
    case '-': return single(TokenKind::kMinus, 1);
    case '*': return single(TokenKind::kStar, 1);
    case '/': return single(TokenKind::kSlash, 1);
    case '%': return single(TokenKind::kPercent, 1);
    case '=':
      if (next == '=') return single(TokenKind::kEqual, 2);
      return error(start, "'=' is not an operator; use '==' to compare");
    case '!':
      if (next == '=') return single(TokenKind::kNotEqual, 2);
      return single(TokenKind::kBang, 1);
    case '<':
      if (next == '=') return single(TokenKind::kLessEqual, 2);
      return single(TokenKind::kLess, 1);
    case '>':
      if (next == '=') return single(TokenKind::kGreaterEqual, 2);
      return single(TokenKind::kGreater, 1);
    case '&':
      if (next == '&') return single(TokenKind::kAnd, 2);
      return error(start, "'&' is not an operator; use 'and' or '&&'");
    case '|':
      if (next == '|') return single(TokenKind::kOr, 2);
      return error(start, "'|' is not an operator; use 'or' or '||'");
    default: break;
  }
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
    return error(start, fmt::format("unexpected control character 0x{:02x}", c));
  }
  return error(start, fmt::format("unexpected character '{}'", c));
}

Token Lexer::number(size_t start) {
  size_t pos = start;
  bool is_float = false;
  while (pos < text_.size() && is_digit(text_[pos])) ++pos;
  if (pos + 1 < text_.size() && text_[pos] == '.' && is_digit(text_[pos + 1])) {
    is_float = true;
    ++pos;
    while (pos < text_.size() && is_digit(text_[pos])) ++pos;
  }
  if (pos < text_.size() && (text_[pos] == 'e' || text_[pos] == 'E')) {
    size_t exponent = pos + 1;
    if (exponent < text_.size() && (text_[exponent] == '+' || text_[exponent] == '-')) ++exponent;
    if (exponent >= text_.size() || !is_digit(text_[exponent])) {
      return error(pos, "expected digits in the exponent");
    }
    is_float = true;
    pos = exponent;
    while (pos < text_.size() && is_digit(text_[pos])) ++pos;
  }
  if (pos < text_.size() && (is_key_start(text_[pos]) || is_digit(text_[pos]))) {
    return error(pos, "unexpected character after a number");
  }
  Token token;
  token.begin = static_cast<uint32_t>(start);
  token.end = static_cast<uint32_t>(pos);
  const char* first = text_.data() + start;
  const char* last = text_.data() + pos;
  if (is_float) {
    auto [end, ec] = std::from_chars(first, last, token.float_value);
    if (ec != std::errc() || end != last || !std::isfinite(token.float_value)) {
      return error(start, "number literal out of range");
    }
    token.kind = TokenKind::kFloat;
  } else {
    auto [end, ec] = std::from_chars(first, last, token.int_value);
    if (ec != std::errc() || end != last) {
      return error(start, "integer literal does not fit in 64 bits");
    }
    token.kind = TokenKind::kInt;
  }
  pos_ = pos;
  return token;
}

Token Lexer::string_literal(size_t start) {
  char quote = text_[start];
  size_t pos = start + 1;
  Token token;
  token.kind = TokenKind::kString;
  token.begin = static_cast<uint32_t>(start);
  while (pos < text_.size() && text_[pos] != quote) {
    char c = text_[pos];
    if (c != '\\') {
      token.text.push_back(c);
      ++pos;
      continue;
    }
    if (pos + 1 >= text_.size()) break;
    char escaped = text_[pos + 1];
    switch (escaped) {
      case 'n': token.text.push_back('\n'); break;
      case 't': token.text.push_back('\t'); break;
      case 'r': token.text.push_back('\r'); break;
      case '0': token.text.push_back('\0'); break;
      case '\\':
      case '\'':
      case '"':
      case '/': token.text.push_back(escaped); break;
      case 'u': {
        uint32_t code_point = 0;
        if (pos + 6 > text_.size()) return error(pos, "expected four hex digits after \\u");
        for (size_t i = pos + 2; i < pos + 6; ++i) {
          char h = text_[i];
          uint32_t digit;
          if (h >= '0' && h <= '9') {
            digit = h - '0';
          } else if (h >= 'a' && h <= 'f') {
            digit = h - 'a' + 10;
          } else if (h >= 'A' && h <= 'F') {
            digit = h - 'A' + 10;
          } else {
            return error(pos, "expected four hex digits after \\u");
          }
          code_point = code_point * 16 + digit;
        }
        if (code_point >= 0xD800 && code_point <= 0xDFFF) {
          return error(pos, "\\u escapes of UTF-16 surrogates are not supported; write the "
                            "character itself");
        }
        append_utf8(code_point, token.text);
        pos += 4;
        break;
      }
      default: return error(pos, fmt::format("unknown escape '\\{}'", escaped));
    }
    pos += 2;
  }
  if (pos >= text_.size()) return error(start, "unterminated string literal");
  pos_ = pos + 1;
  token.end = static_cast<uint32_t>(pos_);
  return token;
}

Token Lexer::word_or_path(size_t start) {
  // A bare word first: keywords and function names are never paths.
  if (text_[start] != '.') {
    size_t end = start;
    while (end < text_.size() && (is_key_start(text_[end]) || is_digit(text_[end]))) ++end;
    std::string_view word = text_.substr(start, end - start);
    for (const Keyword& keyword : kKeywords) {
      if (word == keyword.word) {
        pos_ = end;
        Token token;
        token.kind = keyword.kind;
        token.begin = static_cast<uint32_t>(start);
        token.end = static_cast<uint32_t>(end);
        return token;
      }
    }
    size_t after = end;
    while (after < text_.size() && is_space(text_[after])) ++after;
    if (after < text_.size() && text_[after] == '(') {
      pos_ = end;
      Token token;
      token.kind = TokenKind::kFunction;
      token.begin = static_cast<uint32_t>(start);
      token.end = static_cast<uint32_t>(end);
      token.text = std::string(word);
      return token;
    }
  }
  PathScan scan = Path::scan(text_.substr(start));
  if (!scan.error.empty()) return error(start + scan.error_offset, scan.error);
  pos_ = start + scan.consumed;
  Token token;
  token.kind = TokenKind::kPath;
  token.begin = static_cast<uint32_t>(start);
  token.end = static_cast<uint32_t>(pos_);
  token.path = std::move(scan.path);
  return token;
}

}  // namespace caudal::pipeline
