// Byte-level helpers over JSON text that simdjson does not provide: where exactly a text that
// simdjson refused goes wrong (simdjson's DOM parser says what, never where), and where the
// values of a top-level array or a run of concatenated objects begin and end (simdjson parses
// them, but does not hand back each value's bytes as sent, which is what gets stored).
//
// The fast path is always simdjson; these run after it (the locator only on refused text, the
// splitters over text that is validated afterwards or was validated before).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/errc.h"

namespace caudal::http {

// The first problem in a JSON text, at a byte offset.
struct JsonProblem {
  size_t offset = 0;
  Errc code = Errc::kInvalidJson;  // or kInvalidUtf8
  std::string what;                // "expected ':' after an object key", ...
};

// Checks `text` as one JSON value (RFC 8259: surrounding whitespace allowed, nothing else)
// whose strings are valid UTF-8, nesting at most `max_depth` deep, and reports the first
// problem; nullopt when it finds none.
std::optional<JsonProblem> find_json_problem(std::string_view text, size_t max_depth = 1024);

// The offset of the first byte that does not start or continue a well-formed UTF-8 sequence
// (no overlong forms, surrogates or code points past U+10FFFF); nullopt for valid text.
std::optional<size_t> find_invalid_utf8(std::string_view text);

// Line and column (both from 1; columns count bytes) of `offset` in `text`.
struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};
TextPosition position_of(std::string_view text, size_t offset);

// For `text[begin]` == '{' or '[': the offset just past the matching close, skipping strings
// and their escapes; nullopt when the text ends first. Does not validate anything else.
std::optional<size_t> end_of_container(std::string_view text, size_t begin);

// The elements of a top-level JSON array, as the bytes sent (without surrounding whitespace).
// Precondition: `array` is valid JSON whose value is an array.
std::vector<std::string_view> array_elements(std::string_view array);

// JSON whitespace.
inline bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// `text` without leading and trailing JSON whitespace.
inline std::string_view trim_json_space(std::string_view text) {
  while (!text.empty() && is_json_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_json_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace caudal::http
