// Path: the address of a field inside an event, parsed once (at config load) and then walked
// per event without further parsing.
//
// Syntax (docs/expressions.md, "Field paths"):
//   name                  a top-level key: letters, digits, `_`, `@`, `$` and any byte >= 0x80,
//                         not starting with a digit (`@timestamp`, `user_id`, `$meta`)
//   a.b.c                 nested keys
//   tags[0], tags[-1]     array items, counted from the end when negative
//   a."odd key".b         any key, quoted with " or ', backslash escaping the quote or itself
//   a["odd key"]          the same, in brackets
//   ."and"                a leading dot lets a path start with a quoted key or a keyword
//                         (expressions treat bare `and`, `in`, `true`... as operators/literals)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace caudal::pipeline {

struct PathSegment {
  std::string key;     // when !is_index
  int64_t index = 0;   // when is_index; negative counts from the end
  bool is_index = false;
};

// Paths longer than this are refused: events are at most kMaxDepth (json.h) deep anyway.
inline constexpr size_t kMaxPathSegments = 64;

struct PathScan;

class Path {
 public:
  Path() = default;

  // The whole of `text` as a path; kInvalidPath with the 1-based column otherwise.
  static Result<Path> parse(std::string_view text);

  // A one-key path for `key`, whatever characters it holds (no parsing).
  static Path key(std::string_view key);
  // A one-index path, as a suffix to append() (`[index]`).
  static Path index(int64_t index);

  // Reads the longest path at the start of `text` (the expression parser's entry: it stops at
  // the first character that cannot continue a path).
  static PathScan scan(std::string_view text);

  const std::vector<PathSegment>& segments() const { return segments_; }
  bool empty() const { return segments_.empty(); }
  // The canonical text (keys quoted where the bare form would not parse back).
  const std::string& text() const { return text_; }

  // The first `count` segments.
  Path prefix(size_t count) const;

  // This path followed by `suffix`'s segments.
  Path append(const Path& suffix) const;

  friend bool operator==(const Path& a, const Path& b) { return a.text_ == b.text_; }

 private:
  void add_key(std::string key);
  void add_index(int64_t index);
  void add_segment(const PathSegment& segment);

  std::vector<PathSegment> segments_;
  std::string text_;
};

// What Path::scan read: on failure `error` is set, with `error_offset` the byte offset in the
// text where the problem is.
struct PathScan {
  Path path;
  size_t consumed = 0;
  std::string error;
  size_t error_offset = 0;
};

// Whether `c` may start a bare path key (a letter, `_`, `@`, `$`, or a byte >= 0x80).
bool is_key_start(char c);

}  // namespace caudal::pipeline
