#include "log/offset_store.h"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "common/bytes.h"
#include "common/check.h"
#include "log/errc.h"

namespace caudal::log {
namespace {

// Key:   be32 len(group) | group | be32 len(topic) | topic | be32 (partition ^ 0x80000000)
// Value: u8 version (1) | be64 offset | be32 leader epoch | be64 commit time ms | metadata
//
// The length prefixes make the keys of one group exactly those that start with
// be32 len(group) | group, whatever bytes the names hold ("a" can never prefix "ab"'s keys).
// Flipping the partition's sign bit makes byte order match numeric order.
constexpr uint8_t kValueVersion = 1;
constexpr size_t kValueFixedSize = 1 + 8 + 4 + 8;

void append_be32(std::string& out, uint32_t v) {
  char buf[4];
  store_be32(reinterpret_cast<uint8_t*>(buf), v);
  out.append(buf, 4);
}

void append_be64(std::string& out, uint64_t v) {
  char buf[8];
  store_be64(reinterpret_cast<uint8_t*>(buf), v);
  out.append(buf, 8);
}

void append_name(std::string& out, std::string_view name) {
  CAUDAL_CHECK(name.size() <= UINT32_MAX, "name over 4 GiB");
  append_be32(out, static_cast<uint32_t>(name.size()));
  out.append(name);
}

std::string group_prefix(std::string_view group) {
  std::string key;
  append_name(key, group);
  return key;
}

std::string offset_key(std::string_view group, const TopicPartition& tp) {
  std::string key = group_prefix(group);
  append_name(key, tp.topic);
  append_be32(key, static_cast<uint32_t>(tp.partition.value()) ^ 0x80000000u);
  return key;
}

// The smallest key greater than every key that starts with `prefix`. Every prefix here
// starts with a length below 2^31, so some byte is not 0xff.
std::string prefix_successor(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xff) prefix.pop_back();
  CAUDAL_CHECK(!prefix.empty(), "key prefix of only 0xff bytes");
  prefix.back() = static_cast<char>(static_cast<uint8_t>(prefix.back()) + 1);
  return prefix;
}

std::string encode_value(const CommittedOffset& c) {
  std::string value;
  value.reserve(kValueFixedSize + c.metadata.size());
  value.push_back(static_cast<char>(kValueVersion));
  append_be64(value, static_cast<uint64_t>(c.offset.value()));
  append_be32(value, static_cast<uint32_t>(c.leader_epoch));
  append_be64(value, static_cast<uint64_t>(c.commit_timestamp_ms));
  value.append(c.metadata);
  return value;
}

struct DecodedKey {
  std::string_view group;
  TopicPartition topic_partition;
};

// Reads one length-prefixed name at `pos`, advancing it.
bool read_name(std::string_view key, size_t& pos, std::string_view& out) {
  if (key.size() - pos < 4) return false;
  const uint32_t length = load_be32(reinterpret_cast<const uint8_t*>(key.data() + pos));
  pos += 4;
  if (key.size() - pos < length) return false;
  out = key.substr(pos, length);
  pos += length;
  return true;
}

Result<DecodedKey> decode_key(std::string_view key) {
  DecodedKey decoded;
  size_t pos = 0;
  std::string_view topic;
  if (!read_name(key, pos, decoded.group) || !read_name(key, pos, topic) || key.size() - pos != 4) {
    return Status(Errc::kCorruptData,
                  fmt::format("offset store key of {} bytes is malformed", key.size()));
  }
  const uint32_t partition =
      load_be32(reinterpret_cast<const uint8_t*>(key.data() + pos)) ^ 0x80000000u;
  decoded.topic_partition = {std::string(topic), PartitionId(static_cast<int32_t>(partition))};
  return decoded;
}

Result<CommittedOffset> decode_value(std::string_view group, TopicPartition tp,
                                     std::string_view value) {
  if (value.size() < kValueFixedSize || static_cast<uint8_t>(value[0]) != kValueVersion) {
    return Status(Errc::kCorruptData,
                  fmt::format("committed offset of group '{}' for {}/{} is malformed ({} bytes, "
                              "version byte {})",
                              group, tp.topic, tp.partition.value(), value.size(),
                              value.empty() ? -1 : static_cast<uint8_t>(value[0])));
  }
  const auto* p = reinterpret_cast<const uint8_t*>(value.data());
  CommittedOffset c;
  c.topic_partition = std::move(tp);
  c.offset = Offset(static_cast<int64_t>(load_be64(p + 1)));
  c.leader_epoch = static_cast<int32_t>(load_be32(p + 9));
  c.commit_timestamp_ms = static_cast<int64_t>(load_be64(p + 13));
  c.metadata.assign(value.substr(kValueFixedSize));
  return c;
}

rocksdb::Slice slice(std::string_view s) {
  return {s.data(), s.size()};
}
std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

rocksdb::WriteOptions durable_write() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

}  // namespace

OffsetStore::OffsetStore(std::filesystem::path path, std::unique_ptr<rocksdb::DB> db)
    : path_(std::move(path)), db_(std::move(db)) {}

OffsetStore::~OffsetStore() = default;

Result<std::unique_ptr<OffsetStore>> OffsetStore::open(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return Status(Errc::kStorage,
                  fmt::format("offset store: cannot create {}: {}", path.string(), ec.message()));
  }
  rocksdb::Options options;
  // A few thousand small entries at most: no need for RocksDB's large default buffers.
  options.OptimizeForSmallDb();
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path.string(), &raw);
  if (!s.ok()) {
    return Status(Errc::kStorage,
                  fmt::format("offset store: cannot open {}: {}", path.string(), s.ToString()));
  }
  return std::unique_ptr<OffsetStore>(new OffsetStore(path, std::unique_ptr<rocksdb::DB>(raw)));
}

Status OffsetStore::commit(std::string_view group, std::span<const CommittedOffset> offsets) {
  rocksdb::WriteBatch batch;
  for (const CommittedOffset& c : offsets) {
    rocksdb::Status s = batch.Put(offset_key(group, c.topic_partition), encode_value(c));
    if (!s.ok()) {
      return Status(Errc::kStorage, fmt::format("offset store {}: commit of group '{}': {}",
                                                path_.string(), group, s.ToString()));
    }
  }
  rocksdb::Status s = db_->Write(durable_write(), &batch);
  if (!s.ok()) {
    return Status(Errc::kStorage, fmt::format("offset store {}: commit of {} offsets of group "
                                              "'{}': {}",
                                              path_.string(), offsets.size(), group, s.ToString()));
  }
  return Status();
}

Result<std::optional<CommittedOffset>> OffsetStore::fetch(
    std::string_view group, const TopicPartition& topic_partition) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), slice(offset_key(group, topic_partition)), &value);
  if (s.IsNotFound()) return std::optional<CommittedOffset>();
  if (!s.ok()) {
    return Status(Errc::kStorage, fmt::format("offset store {}: fetch of group '{}' {}/{}: {}",
                                              path_.string(), group, topic_partition.topic,
                                              topic_partition.partition.value(), s.ToString()));
  }
  CAUDAL_ASSIGN_OR_RETURN(CommittedOffset c, decode_value(group, topic_partition, value));
  return std::optional<CommittedOffset>(std::move(c));
}

Result<std::vector<CommittedOffset>> OffsetStore::fetch_group(std::string_view group) const {
  const std::string prefix = group_prefix(group);
  const std::string upper = prefix_successor(prefix);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
  std::vector<CommittedOffset> out;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    CAUDAL_ASSIGN_OR_RETURN(DecodedKey key, decode_key(view(it->key())));
    CAUDAL_ASSIGN_OR_RETURN(CommittedOffset c,
                            decode_value(group, std::move(key.topic_partition), view(it->value())));
    out.push_back(std::move(c));
  }
  if (!it->status().ok()) {
    return Status(Errc::kStorage, fmt::format("offset store {}: scan of group '{}': {}",
                                              path_.string(), group, it->status().ToString()));
  }
  // Keys order topics by length first; callers expect plain name order.
  std::sort(out.begin(), out.end(), [](const CommittedOffset& a, const CommittedOffset& b) {
    return a.topic_partition < b.topic_partition;
  });
  return out;
}

Result<std::vector<std::string>> OffsetStore::list_groups() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  std::vector<std::string> groups;
  // One seek per group: jump past all of a group's keys to the next group's first key.
  for (it->SeekToFirst(); it->Valid();) {
    CAUDAL_ASSIGN_OR_RETURN(DecodedKey key, decode_key(view(it->key())));
    groups.emplace_back(key.group);
    it->Seek(prefix_successor(group_prefix(key.group)));
  }
  if (!it->status().ok()) {
    return Status(Errc::kStorage, fmt::format("offset store {}: listing groups: {}", path_.string(),
                                              it->status().ToString()));
  }
  std::sort(groups.begin(), groups.end());
  return groups;
}

Status OffsetStore::delete_group(std::string_view group) {
  const std::string prefix = group_prefix(group);
  rocksdb::WriteBatch batch;
  rocksdb::Status s = batch.DeleteRange(prefix, prefix_successor(prefix));
  if (s.ok()) s = db_->Write(durable_write(), &batch);
  if (!s.ok()) {
    return Status(Errc::kStorage, fmt::format("offset store {}: delete of group '{}': {}",
                                              path_.string(), group, s.ToString()));
  }
  return Status();
}

Result<size_t> OffsetStore::delete_topic(std::string_view topic) {
  rocksdb::WriteBatch batch;
  size_t dropped = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    CAUDAL_ASSIGN_OR_RETURN(DecodedKey key, decode_key(view(it->key())));
    if (key.topic_partition.topic != topic) continue;
    rocksdb::Status s = batch.Delete(it->key());
    if (!s.ok()) {
      return Status(Errc::kStorage, fmt::format("offset store {}: delete of topic '{}': {}",
                                                path_.string(), topic, s.ToString()));
    }
    ++dropped;
  }
  if (!it->status().ok()) {
    return Status(Errc::kStorage, fmt::format("offset store {}: scan for topic '{}': {}",
                                              path_.string(), topic, it->status().ToString()));
  }
  if (dropped == 0) return dropped;
  rocksdb::Status s = db_->Write(durable_write(), &batch);
  if (!s.ok()) {
    return Status(Errc::kStorage, fmt::format("offset store {}: delete of topic '{}': {}",
                                              path_.string(), topic, s.ToString()));
  }
  return dropped;
}

}  // namespace caudal::log
