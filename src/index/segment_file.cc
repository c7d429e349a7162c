#include "index/segment_file.h"

#include <fmt/format.h>

#include "common/byte_reader.h"
#include "common/byte_writer.h"
#include "common/crc32c.h"
#include "index/errc.h"

namespace caudal::index {
namespace {

constexpr std::string_view kMagic = "CIDXSEG2";
// The first format: no fields section.
constexpr std::string_view kMagicSourcesOnly = "CIDXSEG1";
constexpr uint32_t kMaxCount = 1u << 30;

Status storage(const Status& status, const std::filesystem::path& path) {
  return Status(Errc::kStorage, fmt::format("{}: {}", path.string(), status.message()));
}

}  // namespace

std::string segment_file_name(uint64_t seq) {
  return fmt::format("{:016x}.seg", seq);
}

Result<uint64_t> write_segment_file(FileSystem& fs, const std::filesystem::path& dir,
                                    const Segment& segment) {
  ByteWriter w;
  w.write_string(kMagic);
  w.write_be64(segment.seq());
  w.write_be32(static_cast<uint32_t>(segment.next_offsets().size()));
  for (const auto& [partition, next] : segment.next_offsets()) {
    w.write_i32(partition);
    w.write_i64(next);
  }
  w.write_be32(static_cast<uint32_t>(segment.replaces().size()));
  for (uint64_t seq : segment.replaces()) w.write_be64(seq);
  w.write_be32(segment.doc_count());
  for (uint32_t d = 0; d < segment.doc_count(); ++d) {
    const DocMeta& meta = segment.meta(d);
    w.write_uvarint(meta.id.size());
    w.write_string(meta.id);
    w.write_i64(meta.timestamp);
    w.write_i32(meta.partition);
    w.write_i64(meta.offset);
  }
  w.write_be32(static_cast<uint32_t>(segment.blocks().size()));
  for (const SourceBlock& block : segment.blocks()) {
    w.write_be32(block.first_doc);
    w.write_be32(block.doc_count);
    w.write_be32(static_cast<uint32_t>(block.compressed.size()));
    w.write_string(block.compressed);
  }
  const std::string fields = encode_fields(segment.fields());
  w.write_be32(static_cast<uint32_t>(fields.size()));
  w.write_string(fields);
  Bytes bytes = w.take();
  const uint32_t crc = crc32c::value(ByteView(bytes.data(), bytes.size()));
  uint8_t tail[4];
  store_be32(tail, crc);
  bytes.insert(bytes.end(), tail, tail + 4);

  const std::filesystem::path final_path = dir / segment_file_name(segment.seq());
  const std::filesystem::path tmp_path = final_path.string() + ".tmp";
  {
    auto file = fs.open(tmp_path, OpenMode::kReadWrite);
    if (!file.ok()) return storage(file.status(), tmp_path);
    Status status = (*file)->truncate(0);
    const ByteView parts[] = {ByteView(bytes.data(), bytes.size())};
    if (status.ok()) status = (*file)->write_gather_at(0, parts);
    if (status.ok()) status = (*file)->sync();
    if (!status.ok()) return storage(status, tmp_path);
  }
  Status status = fs.rename(tmp_path, final_path);
  if (status.ok()) status = fs.sync_directory(dir);
  if (!status.ok()) return storage(status, final_path);
  return static_cast<uint64_t>(bytes.size());
}

Result<SegmentFileData> read_segment_file(FileSystem& fs, const std::filesystem::path& path) {
  auto file = fs.open(path, OpenMode::kRead);
  if (!file.ok()) return storage(file.status(), path);
  auto size = (*file)->size();
  if (!size.ok()) return storage(size.status(), path);
  Bytes bytes(*size);
  auto got = (*file)->read_at(0, std::span<uint8_t>(bytes.data(), bytes.size()));
  if (!got.ok()) return storage(got.status(), path);
  auto corrupt = [&](std::string_view what) {
    return Status(Errc::kCorruptSegment, fmt::format("segment file {}: {}", path.string(), what));
  };
  if (*got != bytes.size() || bytes.size() < kMagic.size() + 4) return corrupt("too short");
  const std::string_view magic(reinterpret_cast<const char*>(bytes.data()), kMagic.size());
  if (magic != kMagic && magic != kMagicSourcesOnly) return corrupt("bad magic");
  const size_t body = bytes.size() - 4;
  if (crc32c::value(ByteView(bytes.data(), body)) != load_be32(bytes.data() + body)) {
    return corrupt("CRC mismatch");
  }
  ByteReader r(ByteView(bytes.data() + kMagic.size(), body - kMagic.size()));
  SegmentFileData data;
  data.seq = r.read_be64();
  const uint32_t positions = r.read_be32();
  for (uint32_t i = 0; i < positions && !r.failed(); ++i) {
    const int32_t partition = r.read_i32();
    data.next_offsets[partition] = r.read_i64();
  }
  const uint32_t replaces = r.read_be32();
  if (replaces > kMaxCount) return corrupt("replaces count out of range");
  for (uint32_t i = 0; i < replaces && !r.failed(); ++i) data.replaces.push_back(r.read_be64());
  const uint32_t docs = r.read_be32();
  if (docs > kMaxCount || docs > r.remaining()) return corrupt("document count out of range");
  data.docs.reserve(docs);
  for (uint32_t i = 0; i < docs && !r.failed(); ++i) {
    DocMeta meta;
    const uint64_t length = r.read_uvarint64();
    const ByteView id = r.read_bytes(static_cast<size_t>(length));
    meta.id.assign(reinterpret_cast<const char*>(id.data()), id.size());
    meta.timestamp = r.read_i64();
    meta.partition = r.read_i32();
    meta.offset = r.read_i64();
    data.docs.push_back(std::move(meta));
  }
  const uint32_t blocks = r.read_be32();
  uint32_t covered = 0;
  for (uint32_t i = 0; i < blocks && !r.failed(); ++i) {
    SourceBlock block;
    block.first_doc = r.read_be32();
    block.doc_count = r.read_be32();
    const uint32_t length = r.read_be32();
    const ByteView compressed = r.read_bytes(length);
    if (block.first_doc != covered || block.doc_count == 0 || block.doc_count > kDocsPerBlock) {
      return corrupt(fmt::format("source block {} does not follow its predecessor", i));
    }
    covered += block.doc_count;
    block.compressed.assign(reinterpret_cast<const char*>(compressed.data()), compressed.size());
    data.blocks.push_back(std::move(block));
  }
  if (magic == kMagic) {
    const uint32_t length = r.read_be32();
    const ByteView fields = r.read_bytes(length);
    if (r.failed()) return corrupt(r.status().message());
    auto decoded = decode_fields(fields, docs);
    if (!decoded.ok()) return corrupt(decoded.status().message());
    data.fields = std::move(decoded).value();
  }
  if (r.failed()) return corrupt(r.status().message());
  if (!r.at_end()) return corrupt("bytes after the last section");
  if (covered != docs) return corrupt("source blocks do not cover every document");
  return data;
}

}  // namespace caudal::index
