#include "table/csv_reader.h"

#include <fmt/format.h>

#include "table/errc.h"

namespace caudal::table {

CsvReader::CsvReader(std::string_view text, std::string origin)
    : text_(text), origin_(std::move(origin)) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

Status CsvReader::error(uint64_t line, std::string_view what) const {
  return Status(Errc::kMalformedSource, fmt::format("{}:{}: {}", origin_, line, what));
}

Result<bool> CsvReader::next(std::vector<CsvField>& fields) {
  fields.clear();
  // Empty lines carry no record.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  while (true) {
    CsvField& field = fields.emplace_back();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      field.quoted = true;
      const uint64_t opened_on = line_;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          return error(opened_on,
                       fmt::format("field {} opens a quote that is never closed", fields.size()));
        }
        const char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.text.push_back('"');
            ++pos_;
            continue;
          }
          break;
        }
        if (c == '\n') ++line_;
        field.text.push_back(c);
      }
    } else {
      const size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
             text_[pos_] != '\r') {
        if (text_[pos_] == '"') {
          return error(line_, fmt::format("field {} has a quote inside an unquoted value (quote "
                                          "the whole field and double the quote: \"a\"\"b\")",
                                          fields.size()));
        }
        ++pos_;
      }
      field.text.assign(text_.substr(start, pos_ - start));
    }
    if (pos_ >= text_.size()) return true;
    const char c = text_[pos_];
    if (c == ',') {
      ++pos_;
      continue;
    }
    if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    if (c == '\n' || c == '\r') {
      ++pos_;
      ++line_;
      return true;
    }
    return error(line_, fmt::format("field {} has text after its closing quote", fields.size()));
  }
}

}  // namespace caudal::table
