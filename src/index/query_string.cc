// parse_query_string (query.h): Lucene's classic query syntax, the subset Kibana users type.
#include <fmt/format.h>

#include "index/errc.h"
#include "index/query.h"

namespace caudal::index {
namespace {

enum class Occur { kShould, kMust, kMustNot };

class QueryStringParser {
 public:
  QueryStringParser(std::string_view text, const QueryStringOptions& options)
      : text_(text), options_(options) {}

  Result<Query> parse() {
    CAUDAL_ASSIGN_OR_RETURN(Query q, parse_sequence(0));
    skip_space();
    if (pos_ < text_.size()) return error(fmt::format("unexpected '{}'", text_[pos_]));
    return q;
  }

 private:
  Status error(std::string_view what) const {
    return Status(Errc::kParsing,
                  fmt::format("Failed to parse query [{}]: {} at position {}", text_, what, pos_));
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n'))
      ++pos_;
  }

  bool keyword(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    const size_t end = pos_ + word.size();
    if (end < text_.size() && text_[end] != ' ' && text_[end] != '(' && text_[end] != '\t')
      return false;
    pos_ = end;
    return true;
  }

  static bool special(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '(' || c == ')' || c == ':' || c == '"' ||
           c == '[' || c == ']' || c == '{' || c == '}';
  }

  // A bare word with backslash escapes removed; `wild` tells whether it had unescaped * or ?.
  std::string word(bool& wild) {
    std::string out;
    wild = false;
    while (pos_ < text_.size() && !special(text_[pos_])) {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        out.push_back(text_[pos_++]);
        continue;
      }
      if (c == '*' || c == '?') wild = true;
      out.push_back(c);
    }
    return out;
  }

  Result<std::string> phrase() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out.push_back(text_[pos_++]);
    }
    if (pos_ >= text_.size()) return error("unterminated phrase");
    ++pos_;
    return out;
  }

  // A leaf over the fields (one field, or the defaults).
  Query leaf(Query::Kind kind, const std::string& field, Json value) {
    std::vector<std::string> fields;
    if (!field.empty()) {
      fields.push_back(field);
    } else if (!options_.default_fields.empty()) {
      fields = options_.default_fields;
    } else {
      fields.push_back("*");
    }
    auto one = [&](const std::string& name) {
      Query q;
      q.kind = kind;
      q.field = name;
      q.values.push_back(value);
      q.operator_and = options_.default_and;
      q.case_insensitive = kind == Query::Kind::kWildcard || kind == Query::Kind::kPrefix;
      return q;
    };
    if (fields.size() == 1) return one(fields[0]);
    Query any;
    any.kind = Query::Kind::kBool;
    for (const std::string& name : fields) any.should.push_back(one(name));
    any.minimum_should_match = "1";
    return any;
  }

  Result<Query> range(const std::string& field) {
    const bool include_low = text_[pos_] == '[';
    ++pos_;
    const size_t close = text_.find_first_of("]}", pos_);
    if (close == std::string_view::npos) return error("unterminated range");
    const std::string_view inside = text_.substr(pos_, close - pos_);
    const bool include_high = text_[close] == ']';
    pos_ = close + 1;
    const size_t to = inside.find(" TO ");
    if (to == std::string_view::npos) return error("expected 'TO' in a range");
    auto trim = [](std::string_view s) {
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
      return std::string(s);
    };
    const std::string low = trim(inside.substr(0, to));
    const std::string high = trim(inside.substr(to + 4));
    Query q;
    q.kind = Query::Kind::kRange;
    q.field = field;
    if (low != "*") (include_low ? q.gte : q.gt) = bound(low);
    if (high != "*") (include_high ? q.lte : q.lt) = bound(high);
    return q;
  }

  static Json bound(const std::string& text) {
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) return Json::number(number);
    return Json::string(text);
  }

  Result<Query> field_value(const std::string& field) {
    skip_space();
    if (pos_ >= text_.size()) return error(fmt::format("missing value for field [{}]", field));
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      // field:(a b) applies the field to every term inside.
      const std::string saved = group_field_;
      group_field_ = field;
      CAUDAL_ASSIGN_OR_RETURN(Query q, parse_sequence(1));
      group_field_ = saved;
      if (pos_ >= text_.size() || text_[pos_] != ')') return error("expected ')'");
      ++pos_;
      return q;
    }
    if (c == '"') {
      CAUDAL_ASSIGN_OR_RETURN(std::string text, phrase());
      return leaf(Query::Kind::kMatchPhrase, field, Json::string(text));
    }
    if (c == '[' || c == '{') return range(field);
    if (c == '>' || c == '<') {
      const bool greater = c == '>';
      ++pos_;
      const bool equal = pos_ < text_.size() && text_[pos_] == '=';
      if (equal) ++pos_;
      bool wild = false;
      const std::string value = word(wild);
      Query q;
      q.kind = Query::Kind::kRange;
      q.field = field;
      (greater ? (equal ? q.gte : q.gt) : (equal ? q.lte : q.lt)) = bound(value);
      return q;
    }
    bool wild = false;
    const std::string value = word(wild);
    if (value.empty()) return error(fmt::format("missing value for field [{}]", field));
    if (field == "_exists_") {
      Query q;
      q.kind = Query::Kind::kExists;
      q.field = value;
      return q;
    }
    if (wild) {
      if (value == "*") {
        Query q;
        q.kind = field.empty() || field == "*" ? Query::Kind::kMatchAll : Query::Kind::kExists;
        q.field = field;
        return q;
      }
      const bool trailing_only =
          value.back() == '*' && value.find_first_of("*?") == value.size() - 1;
      if (trailing_only) {
        return leaf(Query::Kind::kPrefix, field, Json::string(value.substr(0, value.size() - 1)));
      }
      return leaf(Query::Kind::kWildcard, field, Json::string(value));
    }
    return leaf(Query::Kind::kMatch, field, Json::string(value));
  }

  Result<Query> clause() {
    skip_space();
    const char c = text_[pos_];
    if (c == '(') {
      ++pos_;
      CAUDAL_ASSIGN_OR_RETURN(Query q, parse_sequence(1));
      if (pos_ >= text_.size() || text_[pos_] != ')') return error("expected ')'");
      ++pos_;
      return q;
    }
    if (c == '"') return field_value(group_field_);
    // A field name is a word followed by ':'.
    const size_t start = pos_;
    bool wild = false;
    std::string name = word(wild);
    if (pos_ < text_.size() && text_[pos_] == ':' && !name.empty()) {
      ++pos_;
      return field_value(name);
    }
    pos_ = start;
    return field_value(group_field_);
  }

  Result<Query> parse_sequence(int depth) {
    if (depth > 32) return error("query nested too deeply");
    std::vector<std::pair<Occur, Query>> clauses;
    bool pending_and = false;
    for (;;) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] == ')') break;
      if (keyword("AND") || keyword("&&")) {
        pending_and = true;
        if (!clauses.empty() && clauses.back().first == Occur::kShould)
          clauses.back().first = Occur::kMust;
        continue;
      }
      if (keyword("OR") || keyword("||")) {
        if (!clauses.empty() && clauses.back().first == Occur::kMust && options_.default_and) {
          clauses.back().first = Occur::kShould;
        }
        pending_and = false;
        or_next_ = true;
        continue;
      }
      Occur occur = options_.default_and && !or_next_ ? Occur::kMust : Occur::kShould;
      if (pending_and) occur = Occur::kMust;
      or_next_ = false;
      pending_and = false;
      if (keyword("NOT") || text_[pos_] == '!' || text_[pos_] == '-') {
        if (text_[pos_] == '!' || text_[pos_] == '-') ++pos_;
        occur = Occur::kMustNot;
      } else if (text_[pos_] == '+') {
        ++pos_;
        occur = Occur::kMust;
      }
      skip_space();
      if (pos_ >= text_.size()) return error("expected a term");
      CAUDAL_ASSIGN_OR_RETURN(Query q, clause());
      clauses.emplace_back(occur, std::move(q));
    }
    if (clauses.empty()) {
      Query none;
      none.kind = Query::Kind::kMatchNone;
      return none;
    }
    if (clauses.size() == 1 && clauses[0].first != Occur::kMustNot)
      return std::move(clauses[0].second);
    Query q;
    q.kind = Query::Kind::kBool;
    for (auto& [occur, child] : clauses) {
      if (occur == Occur::kMust)
        q.must.push_back(std::move(child));
      else if (occur == Occur::kMustNot)
        q.must_not.push_back(std::move(child));
      else
        q.should.push_back(std::move(child));
    }
    if (q.must.empty() && q.must_not.empty()) q.minimum_should_match = "1";
    if (q.must.empty() && q.should.empty()) {
      Query all;
      all.kind = Query::Kind::kMatchAll;
      q.must.push_back(std::move(all));
    }
    return q;
  }

  std::string_view text_;
  const QueryStringOptions& options_;
  size_t pos_ = 0;
  std::string group_field_;
  bool or_next_ = false;
};

}  // namespace

Result<Query> parse_query_string(std::string_view text, const QueryStringOptions& options) {
  return QueryStringParser(text, options).parse();
}

}  // namespace caudal::index
