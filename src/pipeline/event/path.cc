#include "pipeline/event/path.h"

#include <fmt/format.h>

#include "pipeline/event/errc.h"
#include "pipeline/event/utf8.h"

namespace caudal::pipeline {

bool is_key_start(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@' || c == '$' ||
         u >= 0x80;
}

namespace {

bool is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9'); }

bool is_bare_key(std::string_view key) {
  if (key.empty() || !is_key_start(key[0])) return false;
  for (char c : key) {
    if (!is_key_char(c)) return false;
  }
  return true;
}

// Reads a quoted key starting at text[pos] (the quote). Returns false with `error` set when the
// closing quote is missing.
bool read_quoted(std::string_view text, size_t& pos, std::string& key, std::string& error,
                 size_t& error_offset) {
  char quote = text[pos];
  size_t start = pos;
  ++pos;
  while (pos < text.size() && text[pos] != quote) {
    if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
    key.push_back(text[pos]);
    ++pos;
  }
  if (pos >= text.size()) {
    error = "unterminated quoted key";
    error_offset = start;
    return false;
  }
  ++pos;
  return true;
}

}  // namespace

void Path::add_key(std::string key) {
  if (is_bare_key(key)) {
    if (!segments_.empty()) text_.push_back('.');
    text_ += key;
  } else {
    text_ += ".\"";
    for (char c : key) {
      if (c == '"' || c == '\\') text_.push_back('\\');
      text_.push_back(c);
    }
    text_.push_back('"');
  }
  segments_.push_back(PathSegment{std::move(key), 0, false});
}

void Path::add_index(int64_t index) {
  text_ += fmt::format("[{}]", index);
  segments_.push_back(PathSegment{{}, index, true});
}

Path Path::key(std::string_view key) {
  Path path;
  path.add_key(std::string(key));
  return path;
}

Path Path::index(int64_t index) {
  Path path;
  path.add_index(index);
  return path;
}

void Path::add_segment(const PathSegment& segment) {
  if (segment.is_index) {
    add_index(segment.index);
  } else {
    add_key(segment.key);
  }
}

Path Path::prefix(size_t count) const {
  Path path;
  for (size_t i = 0; i < count && i < segments_.size(); ++i) path.add_segment(segments_[i]);
  return path;
}

Path Path::append(const Path& suffix) const {
  Path path = *this;
  for (const PathSegment& s : suffix.segments_) path.add_segment(s);
  return path;
}

PathScan Path::scan(std::string_view text) {
  PathScan scan;
  size_t pos = 0;
  auto fail = [&](std::string message, size_t at) {
    scan.error = std::move(message);
    scan.error_offset = at;
    return scan;
  };
  auto read_key = [&](std::string& key) {
    if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) {
      return read_quoted(text, pos, key, scan.error, scan.error_offset);
    }
    size_t start = pos;
    while (pos < text.size() && is_key_char(text[pos])) ++pos;
    key.assign(text.substr(start, pos - start));
    return true;
  };

  bool leading_dot = !text.empty() && text[0] == '.';
  if (leading_dot) ++pos;
  if (pos >= text.size() ||
      !(is_key_start(text[pos]) || (leading_dot && (text[pos] == '"' || text[pos] == '\'')))) {
    return fail(leading_dot ? "expected a key or a quoted key after '.'" : "expected a field name",
                pos);
  }
  {
    std::string key;
    if (!read_key(key)) return scan;
    scan.path.add_key(std::move(key));
  }
  while (pos < text.size()) {
    if (scan.path.segments().size() > kMaxPathSegments) {
      return fail(fmt::format("a path has at most {} steps", kMaxPathSegments), pos);
    }
    char c = text[pos];
    if (c == '.' && pos + 1 < text.size() &&
        (is_key_start(text[pos + 1]) || text[pos + 1] == '"' || text[pos + 1] == '\'')) {
      ++pos;
      std::string key;
      if (!read_key(key)) return scan;
      scan.path.add_key(std::move(key));
    } else if (c == '[') {
      size_t open = pos++;
      if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) {
        std::string key;
        if (!read_quoted(text, pos, key, scan.error, scan.error_offset)) return scan;
        if (pos >= text.size() || text[pos] != ']') return fail("expected ']'", pos);
        ++pos;
        scan.path.add_key(std::move(key));
        continue;
      }
      bool negative = pos < text.size() && text[pos] == '-';
      if (negative) ++pos;
      size_t digits_start = pos;
      int64_t index = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (pos - digits_start >= 9) return fail("array index too large", digits_start);
        index = index * 10 + (text[pos] - '0');
        ++pos;
      }
      if (pos == digits_start) return fail("expected an array index or a quoted key after '['", open);
      if (pos >= text.size() || text[pos] != ']') return fail("expected ']'", pos);
      ++pos;
      scan.path.add_index(negative ? -index : index);
    } else {
      break;
    }
  }
  if (scan.path.segments().size() > kMaxPathSegments) {
    return fail(fmt::format("a path has at most {} steps", kMaxPathSegments), pos);
  }
  scan.consumed = pos;
  return scan;
}

Result<Path> Path::parse(std::string_view text) {
  if (size_t valid = valid_utf8_prefix(text); valid != text.size()) {
    return Status(EventErrc::kInvalidPath,
                  fmt::format("invalid field path: column {}: invalid UTF-8", valid + 1));
  }
  PathScan scan = Path::scan(text);
  if (scan.error.empty() && scan.consumed != text.size()) {
    scan.error = fmt::format("unexpected '{}'", text[scan.consumed]);
    scan.error_offset = scan.consumed;
  }
  if (!scan.error.empty()) {
    return Status(EventErrc::kInvalidPath, fmt::format("invalid field path '{}': column {}: {}", text,
                                                       scan.error_offset + 1, scan.error));
  }
  return std::move(scan.path);
}

}  // namespace caudal::pipeline
