// NdjsonLines: splits a newline-delimited body (NDJSON, the _bulk format, HEC raw) into lines,
// numbered from 1 as an editor shows them. A line ends at '\n'; a '\r' before it is dropped
// (CRLF senders). Lines holding only whitespace are skipped, so a trailing newline or blank
// separator lines never count as events. Borrows the text; allocates nothing.
#pragma once

#include <cstddef>
#include <cstring>
#include <optional>
#include <string_view>

#include "http/ingest/json_text.h"

namespace caudal::http {

struct NdjsonLine {
  std::string_view text;  // without the line break
  size_t number = 0;      // 1-based line number in the body
  size_t offset = 0;      // of text[0] in the body
};

class NdjsonLines {
 public:
  explicit NdjsonLines(std::string_view body) : body_(body) {}

  // The next line with something other than whitespace on it; nullopt at the end.
  std::optional<NdjsonLine> next() {
    while (true) {
      std::optional<NdjsonLine> line = next_raw();
      if (!line.has_value()) return std::nullopt;
      for (char c : line->text) {
        if (!is_json_space(c)) return line;
      }
    }
  }

  // The next line as it is, blank or not (the _bulk parser needs a document line even when
  // it is empty); nullopt at the end.
  std::optional<NdjsonLine> next_raw() {
    if (pos_ >= body_.size()) return std::nullopt;
    const char* start = body_.data() + pos_;
    const void* newline = std::memchr(start, '\n', body_.size() - pos_);
    const size_t end = newline != nullptr
                           ? static_cast<size_t>(static_cast<const char*>(newline) - body_.data())
                           : body_.size();
    NdjsonLine line{body_.substr(pos_, end - pos_), ++line_number_, pos_};
    if (!line.text.empty() && line.text.back() == '\r') line.text.remove_suffix(1);
    pos_ = end + 1;
    return line;
  }

 private:
  std::string_view body_;
  size_t pos_ = 0;
  size_t line_number_ = 0;
};

}  // namespace caudal::http
