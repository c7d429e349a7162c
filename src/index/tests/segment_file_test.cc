#include "index/segment_file.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/byte_writer.h"
#include "common/crc32c.h"
#include "index/errc.h"
#include "index/field_codec.h"
#include "index/index.h"
#include "index/search.h"
#include "index/segment_builder.h"
#include "segment_compare.h"

namespace caudal::index {
namespace {

class SegmentFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("caudal-segment-file-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<const Segment> build(const std::vector<std::string>& docs) {
    SegmentBuilder builder(mappings_);
    int64_t offset = 0;
    for (const std::string& text : docs) {
      auto json = parse_json(text);
      EXPECT_TRUE(json.ok()) << text;
      builder.add(DocMeta{"id" + std::to_string(offset), 5000 - offset, 1, offset}, *json, text);
      ++offset;
    }
    builder.note_position(1, offset);
    return builder.build(42);
  }

  Mappings mappings_;
  std::filesystem::path dir_;
};


TEST_F(SegmentFileTest, FieldsReadBackAsBuiltWithoutTheSources) {
  auto segment = build({R"({"msg":"the quick fox","tags":["a","b"],"n":5,"x":-0.25})",
                        R"({"msg":"The lazy dog, the end","tags":"b","n":"7","ok":true})",
                        R"({"other":1,"at":"2024-01-01T00:00:00Z"})"});
  auto size = write_segment_file(PosixFileSystem::instance(), dir_, *segment);
  ASSERT_TRUE(size.ok()) << size.status().message();
  auto data = read_segment_file(PosixFileSystem::instance(), dir_ / segment_file_name(42));
  ASSERT_TRUE(data.ok()) << data.status().message();
  ASSERT_TRUE(data->fields.has_value());
  ASSERT_EQ(data->fields->size(), segment->fields().size());
  for (const auto& [name, field] : segment->fields()) {
    SCOPED_TRACE(name);
    ASSERT_EQ(data->fields->count(name), 1u);
    expect_same_field(data->fields->at(name), field);
  }
  auto restored = Segment::restore(data->seq, std::move(data->docs), data->next_offsets,
                                   data->replaces, std::move(*data->fields), data->blocks);
  EXPECT_EQ(restored->doc_count(), 3u);
  EXPECT_EQ(restored->min_timestamp(), 4998);
  EXPECT_EQ(restored->max_timestamp(), 5000);
  EXPECT_EQ(restored->meta(2).id, "id2");
  EXPECT_EQ(*restored->source(1), R"({"msg":"The lazy dog, the end","tags":"b","n":"7","ok":true})");
  EXPECT_EQ(restored->field("x")->values[0], -0.25);
}

TEST_F(SegmentFileTest, ADamagedFileIsRefusedNotRead) {
  auto segment = build({R"({"msg":"hello"})"});
  ASSERT_TRUE(write_segment_file(PosixFileSystem::instance(), dir_, *segment).ok());
  const std::filesystem::path path = dir_ / segment_file_name(42);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 0x40;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  auto data = read_segment_file(PosixFileSystem::instance(), path);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), make_error_code(Errc::kCorruptSegment));
  EXPECT_NE(data.status().message().find("CRC mismatch"), std::string::npos);
}

// The first format, as the previous release wrote it: no fields section.
std::string first_format_file(const Segment& segment) {
  ByteWriter w;
  w.write_string("CIDXSEG1");
  w.write_be64(segment.seq());
  w.write_be32(static_cast<uint32_t>(segment.next_offsets().size()));
  for (const auto& [partition, next] : segment.next_offsets()) {
    w.write_i32(partition);
    w.write_i64(next);
  }
  w.write_be32(0);
  w.write_be32(segment.doc_count());
  for (uint32_t d = 0; d < segment.doc_count(); ++d) {
    w.write_uvarint(segment.meta(d).id.size());
    w.write_string(segment.meta(d).id);
    w.write_i64(segment.meta(d).timestamp);
    w.write_i32(segment.meta(d).partition);
    w.write_i64(segment.meta(d).offset);
  }
  w.write_be32(static_cast<uint32_t>(segment.blocks().size()));
  for (const SourceBlock& block : segment.blocks()) {
    w.write_be32(block.first_doc);
    w.write_be32(block.doc_count);
    w.write_be32(static_cast<uint32_t>(block.compressed.size()));
    w.write_string(block.compressed);
  }
  Bytes bytes = w.take();
  uint8_t crc[4];
  store_be32(crc, crc32c::value(ByteView(bytes.data(), bytes.size())));
  bytes.insert(bytes.end(), crc, crc + 4);
  return std::string(bytes.begin(), bytes.end());
}

TEST_F(SegmentFileTest, AFileOfTheFirstFormatIsRebuiltFromItsSources) {
  auto segment = build({R"({"msg":"old format","n":1})", R"({"msg":"still searchable","n":2})"});
  {
    std::ofstream out(dir_ / segment_file_name(42), std::ios::binary);
    out << first_format_file(*segment);
  }
  auto data = read_segment_file(PosixFileSystem::instance(), dir_ / segment_file_name(42));
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_FALSE(data->fields.has_value());
  EXPECT_EQ(data->docs.size(), 2u);

  IndexOptions options;
  options.name = "old";
  options.dir = dir_;
  auto index = Index::open(options);
  ASSERT_TRUE(index.ok()) << index.status().message();
  UriParams params;
  params["q"] = "msg:searchable AND n:2";
  auto result = run_search({(*index)->snapshot()}, Json(), params, SearchLimits{}, 0, true);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->find("count")->as_int(), 1);
  EXPECT_EQ((*index)->snapshot()->mappings.type_of("n"), FieldType::kLong);
}

TEST(FieldCodecTest, OutOfRangeNumbersAreRefusedWithTheField) {
  SegmentFields fields;
  SegmentField& tags = fields["tags"];
  tags.dict = {"a"};
  tags.postings.resize(1);
  tags.postings[0].add(0);
  tags.ord_starts = {0, 1};
  tags.ords = {0};
  const std::string good = encode_fields(fields);
  auto decoded = decode_fields(as_bytes(good), 1);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();

  tags.ords = {3};  // no such ordinal
  const std::string bad_ord = encode_fields(fields);
  decoded = decode_fields(as_bytes(bad_ord), 1);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().message(), "fields: tags: ordinal out of range");

  tags.ords = {0};
  tags.postings[0].add(9);  // a document the segment does not have
  const std::string bad_doc = encode_fields(fields);
  decoded = decode_fields(as_bytes(bad_doc), 1);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().message(), "fields: tags: a bitmap names no document");

  // Truncated, and not zstd at all.
  EXPECT_FALSE(decode_fields(as_bytes(std::string_view(good).substr(0, good.size() - 3)), 1).ok());
  EXPECT_FALSE(decode_fields(as_bytes("not zstd"), 1).ok());
}

}  // namespace
}  // namespace caudal::index
