// CsvReader: splits CSV text (RFC 4180) into records. Fields are separated by commas and
// records by LF or CRLF; a field in double quotes may hold commas, line breaks and doubled
// quotes (""). A UTF-8 byte order mark at the start is skipped, and so are empty lines.
//
// Stricter than many readers on purpose, because a lookup table read wrongly enriches events
// wrongly without anyone noticing: a quote inside an unquoted field, text after a closing
// quote and an unterminated quoted field are errors naming the line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace caudal::table {

struct CsvField {
  std::string text;
  // Whether the field was written in quotes: `""` is an empty string, an empty unquoted field
  // is a missing value.
  bool quoted = false;
};

class CsvReader {
 public:
  // `text` must outlive the reader; `origin` names it in errors ("customers.csv").
  CsvReader(std::string_view text, std::string origin);

  // Reads the next record into `fields` (replacing its content). False at the end of the text.
  // Errc::kMalformedSource as "origin:line: what" on a syntax error.
  Result<bool> next(std::vector<CsvField>& fields);

  // The line the last record returned by next() started on (1-based).
  uint64_t record_line() const { return record_line_; }

 private:
  Status error(uint64_t line, std::string_view what) const;

  std::string_view text_;
  std::string origin_;
  size_t pos_ = 0;
  uint64_t line_ = 1;
  uint64_t record_line_ = 0;
};

}  // namespace caudal::table
