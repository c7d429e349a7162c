#include "table/csv_reader.h"

#include <gtest/gtest.h>

#include "table/errc.h"

namespace caudal::table {
namespace {

// Every record of `text` as plain strings, or the error.
Result<std::vector<std::vector<std::string>>> read_all(std::string_view text) {
  CsvReader reader(text, "t.csv");
  std::vector<std::vector<std::string>> out;
  std::vector<CsvField> fields;
  while (true) {
    CAUDAL_ASSIGN_OR_RETURN(const bool more, reader.next(fields));
    if (!more) return out;
    auto& record = out.emplace_back();
    for (const CsvField& f : fields) record.push_back(f.text);
  }
}

using Records = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, SplitsFieldsAndRecords) {
  auto records = read_all("a,b,c\n1,2,3\r\n4,,6");
  ASSERT_TRUE(records.ok()) << records.status().to_string();
  EXPECT_EQ(*records, (Records{{"a", "b", "c"}, {"1", "2", "3"}, {"4", "", "6"}}));
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasQuotesAndNewlines) {
  auto records = read_all("name,note\n\"Doe, Jane\",\"said \"\"hi\"\"\nthen left\"\nx,\"\"\n");
  ASSERT_TRUE(records.ok()) << records.status().to_string();
  EXPECT_EQ(*records,
            (Records{{"name", "note"}, {"Doe, Jane", "said \"hi\"\nthen left"}, {"x", ""}}));
}

TEST(CsvReaderTest, TellsQuotedEmptyFromMissing) {
  CsvReader reader("\"\",", "t.csv");
  std::vector<CsvField> fields;
  ASSERT_TRUE(*reader.next(fields));
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_TRUE(fields[0].quoted);
  EXPECT_FALSE(fields[1].quoted);
}

TEST(CsvReaderTest, SkipsBomAndEmptyLinesAndCountsLines) {
  CsvReader reader("\xEF\xBB\xBFid\n\n\"multi\nline\"\n\nlast\n", "t.csv");
  std::vector<CsvField> fields;
  ASSERT_TRUE(*reader.next(fields));
  EXPECT_EQ(fields[0].text, "id");
  EXPECT_EQ(reader.record_line(), 1u);
  ASSERT_TRUE(*reader.next(fields));
  EXPECT_EQ(reader.record_line(), 3u);
  ASSERT_TRUE(*reader.next(fields));
  EXPECT_EQ(fields[0].text, "last");
  EXPECT_EQ(reader.record_line(), 6u);
  EXPECT_FALSE(*reader.next(fields));
}

TEST(CsvReaderTest, ErrorsNameTheLine) {
  auto unterminated = read_all("a\n\"open\nstill open");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_EQ(unterminated.status().code(), Errc::kMalformedSource);
  EXPECT_EQ(unterminated.status().message(), "t.csv:2: field 1 opens a quote that is never closed");

  auto stray = read_all("a,b\n1,x\"y\n");
  ASSERT_FALSE(stray.ok());
  EXPECT_EQ(stray.status().message(),
            "t.csv:2: field 2 has a quote inside an unquoted value (quote the whole field and "
            "double the quote: \"a\"\"b\")");

  auto after = read_all("a\n\"x\"y\n");
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().message(), "t.csv:2: field 1 has text after its closing quote");
}

}  // namespace
}  // namespace caudal::table
