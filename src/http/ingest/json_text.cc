#include "http/ingest/json_text.h"

#include <cstdint>

#include <fmt/format.h>

namespace caudal::http {
namespace {

// A recursive-descent check written as a loop over an explicit stack, so hostile nesting
// cannot overflow the thread's stack.
class Checker {
 public:
  Checker(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {}

  std::optional<JsonProblem> run() {
    skip_space();
    if (pos_ == text_.size()) return problem("expected a JSON value, found the end of the text");
    enum class Expect { kValue, kFirstKeyOrEnd, kKey, kColon, kFirstValueOrEnd, kCommaOrEnd };
    Expect expect = Expect::kValue;
    while (true) {
      skip_space();
      if (pos_ == text_.size()) {
        return problem(stack_.back() == '{' ? "the object is not closed with '}'"
                                            : "the array is not closed with ']'");
      }
      const char c = text_[pos_];
      switch (expect) {
        case Expect::kValue:
          if (c == '{' || c == '[') {
            if (stack_.size() == max_depth_) {
              return problem(fmt::format("nesting deeper than {} levels", max_depth_));
            }
            stack_.push_back(c);
            ++pos_;
            expect = c == '{' ? Expect::kFirstKeyOrEnd : Expect::kFirstValueOrEnd;
            continue;
          }
          if (auto p = scalar(); p.has_value()) return p;
          break;
        case Expect::kFirstKeyOrEnd:
          if (c == '}') {
            ++pos_;
            stack_.pop_back();
            break;
          }
          expect = Expect::kKey;
          continue;
        case Expect::kKey:
          if (c != '"') return problem("expected a string as object key");
          if (auto p = string(); p.has_value()) return p;
          expect = Expect::kColon;
          continue;
        case Expect::kColon:
          if (c != ':') return problem("expected ':' after an object key");
          ++pos_;
          expect = Expect::kValue;
          continue;
        case Expect::kFirstValueOrEnd:
          if (c == ']') {
            ++pos_;
            stack_.pop_back();
            break;
          }
          expect = Expect::kValue;
          continue;
        case Expect::kCommaOrEnd: {
          const char close = stack_.back() == '{' ? '}' : ']';
          if (c == ',') {
            ++pos_;
            expect = stack_.back() == '{' ? Expect::kKey : Expect::kValue;
            continue;
          }
          if (c == close) {
            ++pos_;
            stack_.pop_back();
            break;
          }
          return problem(fmt::format("expected ',' or '{}'", close));
        }
      }
      // A value just ended.
      if (stack_.empty()) break;
      expect = Expect::kCommaOrEnd;
    }
    skip_space();
    if (pos_ != text_.size()) return problem("unexpected text after the JSON value");
    return std::nullopt;
  }

 private:
  std::optional<JsonProblem> problem(std::string what) const {
    return JsonProblem{pos_, Errc::kInvalidJson, std::move(what)};
  }

  void skip_space() {
    while (pos_ < text_.size() && is_json_space(text_[pos_])) ++pos_;
  }

  std::optional<JsonProblem> scalar() {
    const char c = text_[pos_];
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    for (std::string_view literal : {"true", "false", "null"}) {
      if (c == literal[0]) {
        if (text_.substr(pos_, literal.size()) != literal) {
          return problem(fmt::format("expected '{}'", literal));
        }
        pos_ += literal.size();
        return std::nullopt;
      }
    }
    return problem("expected a JSON value (object, array, string, number, true, false or null)");
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Reads \uXXXX at pos_ (pointing at the backslash); nullopt when malformed.
  std::optional<uint32_t> unicode_escape() {
    if (pos_ + 6 > text_.size() || text_[pos_ + 1] != 'u') return std::nullopt;
    uint32_t value = 0;
    for (size_t i = 2; i < 6; ++i) {
      const int digit = hex(text_[pos_ + i]);
      if (digit < 0) return std::nullopt;
      value = value * 16 + static_cast<uint32_t>(digit);
    }
    return value;
  }

  std::optional<JsonProblem> string() {
    ++pos_;  // the opening quote
    while (pos_ < text_.size()) {
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return std::nullopt;
      }
      if (c < 0x20) return problem("control character in a string (escape it)");
      if (c != '\\') {
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= text_.size()) break;
      const char escaped = text_[pos_ + 1];
      if (escaped != 'u') {
        if (std::string_view("\"\\/bfnrt").find(escaped) == std::string_view::npos) {
          return problem(fmt::format("invalid escape '\\{}' in a string", escaped));
        }
        pos_ += 2;
        continue;
      }
      std::optional<uint32_t> unit = unicode_escape();
      if (!unit.has_value()) return problem("expected four hex digits after '\\u'");
      if (*unit >= 0xDC00 && *unit <= 0xDFFF) {
        return problem("a low surrogate \\u escape without a high surrogate before it");
      }
      if (*unit >= 0xD800 && *unit <= 0xDBFF) {
        const size_t high_at = pos_;
        pos_ += 6;
        std::optional<uint32_t> low = unicode_escape();
        if (!low.has_value() || *low < 0xDC00 || *low > 0xDFFF) {
          pos_ = high_at;
          return problem("a high surrogate \\u escape not followed by a low surrogate");
        }
      }
      pos_ += 6;
    }
    return problem("the string is not closed with '\"'");
  }

  std::optional<JsonProblem> number() {
    auto digits = [this] {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - start;
    };
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        return problem("a number may not start with 0 followed by digits");
      }
    } else if (digits() == 0) {
      return problem("expected a digit");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) return problem("expected a digit after the decimal point");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) return problem("expected a digit in the exponent");
    }
    return std::nullopt;
  }

  std::string_view text_;
  size_t max_depth_;
  size_t pos_ = 0;
  std::string stack_;  // '{' and '[' of the open containers
};

// Length of the UTF-8 sequence starting at `p` (with `left` bytes available), or 0 if it is
// not well formed (Unicode 15, table 3-7).
size_t utf8_sequence(const unsigned char* p, size_t left) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < left && p[i] >= lo && p[i] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

}  // namespace

std::optional<size_t> find_invalid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = utf8_sequence(p + i, text.size() - i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

std::optional<JsonProblem> find_json_problem(std::string_view text, size_t max_depth) {
  if (std::optional<size_t> bad = find_invalid_utf8(text); bad.has_value()) {
    return JsonProblem{
        *bad, Errc::kInvalidUtf8,
        fmt::format("invalid UTF-8 (byte 0x{:02x})", static_cast<unsigned char>(text[*bad]))};
  }
  return Checker(text, max_depth).run();
}

TextPosition position_of(std::string_view text, size_t offset) {
  TextPosition position;
  const size_t end = std::min(offset, text.size());
  size_t line_start = 0;
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      line_start = i + 1;
    }
  }
  position.column = offset - line_start + 1;
  return position;
}

std::optional<size_t> end_of_container(std::string_view text, size_t begin) {
  size_t depth = 0;
  for (size_t i = begin; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      if (i >= text.size()) return std::nullopt;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> array_elements(std::string_view array) {
  std::vector<std::string_view> elements;
  size_t pos = array.find('[') + 1;
  auto skip_space = [&] {
    while (pos < array.size() && is_json_space(array[pos])) ++pos;
  };
  skip_space();
  if (array[pos] == ']') return elements;
  while (true) {
    skip_space();
    const size_t start = pos;
    const char c = array[pos];
    if (c == '{' || c == '[') {
      pos = *end_of_container(array, pos);
    } else if (c == '"') {
      for (++pos; array[pos] != '"'; ++pos) {
        if (array[pos] == '\\') ++pos;
      }
      ++pos;
    } else {
      while (array[pos] != ',' && array[pos] != ']' && !is_json_space(array[pos])) ++pos;
    }
    elements.push_back(array.substr(start, pos - start));
    skip_space();
    if (array[pos] == ']') return elements;
    ++pos;  // the comma
  }
}

}  // namespace caudal::http
