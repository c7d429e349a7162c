// load_csv (source.h): a CSV file with a header row into typed rows.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "table/csv_reader.h"
#include "table/errc.h"
#include "table/source.h"

namespace caudal::table {
namespace {

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(Errc::kSourceUnavailable,
                  fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return Status(Errc::kSourceUnavailable, fmt::format("cannot read {}", path.string()));
  }
  return std::move(text).str();
}

}  // namespace

Result<SourceRows> load_csv(const CsvSource& source, const DeclaredTypes& declared) {
  CAUDAL_ASSIGN_OR_RETURN(const std::string text, read_file(source.path));
  const std::string origin = source.path.string();
  CsvReader reader(text, origin);
  std::vector<CsvField> fields;
  CAUDAL_ASSIGN_OR_RETURN(const bool has_header, reader.next(fields));
  if (!has_header) {
    return Status(Errc::kMalformedSource,
                  fmt::format("{}: empty file, expected a header row naming the columns", origin));
  }
  SourceRows rows;
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].text.empty()) {
      return Status(Errc::kMalformedSource, fmt::format("{}:{}: header column {} has no name",
                                                        origin, reader.record_line(), i + 1));
    }
    if (!names.insert(fields[i].text).second) {
      return Status(Errc::kMalformedSource,
                    fmt::format("{}:{}: header names column '{}' twice", origin,
                                reader.record_line(), fields[i].text));
    }
    rows.columns.push_back(Column{std::move(fields[i].text), ColumnType::kString});
  }
  while (true) {
    CAUDAL_ASSIGN_OR_RETURN(const bool more, reader.next(fields));
    if (!more) break;
    if (fields.size() != rows.columns.size()) {
      return Status(Errc::kMalformedSource,
                    fmt::format("{}:{}: {} fields, but the header names {} columns", origin,
                                reader.record_line(), fields.size(), rows.columns.size()));
    }
    std::vector<Value>& row = rows.rows.emplace_back();
    row.reserve(fields.size());
    for (CsvField& field : fields) {
      if (field.text.empty() && !field.quoted) {
        row.emplace_back();
      } else {
        row.emplace_back(std::move(field.text));
      }
    }
    rows.locations.push_back(fmt::format("{}:{}", origin, reader.record_line()));
  }
  CAUDAL_RETURN_IF_ERROR(settle_column_types(rows, declared));
  return rows;
}

}  // namespace caudal::table
