#include "pipeline/runtime/checkpoint_store.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "common/bytes.h"
#include "common/check.h"
#include "pipeline/errc.h"

namespace caudal::pipeline {
namespace {

constexpr char kOffsetTag = 'o';
constexpr char kStateTag = 's';
constexpr uint8_t kValueVersion = 1;

void append_be32(std::string& out, uint32_t v) {
  uint8_t buf[4];
  store_be32(buf, v);
  out.append(reinterpret_cast<const char*>(buf), 4);
}

void append_name(std::string& out, std::string_view name) {
  CAUDAL_CHECK(name.size() <= UINT32_MAX, "name over 4 GiB");
  append_be32(out, static_cast<uint32_t>(name.size()));
  out.append(name);
}

std::string pipeline_prefix(std::string_view pipeline, char tag = kOffsetTag) {
  std::string key(1, tag);
  append_name(key, pipeline);
  return key;
}

std::string step_prefix(std::string_view pipeline, uint32_t step, std::string_view kind) {
  std::string key = pipeline_prefix(pipeline, kStateTag);
  append_be32(key, step);
  append_name(key, kind);
  return key;
}

Status storage_error(const rocksdb::Status& s, std::string_view what) {
  return Status(PipelineErrc::kStorage, fmt::format("checkpoint store: {}: {}", what, s.ToString()));
}

Status corrupt(std::string_view pipeline, std::string_view what) {
  return Status(PipelineErrc::kCorruptState,
                fmt::format("checkpoint store: pipeline {}: {}", pipeline, what));
}

}  // namespace

CheckpointStore::CheckpointStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
CheckpointStore::~CheckpointStore() = default;

Result<std::unique_ptr<CheckpointStore>> CheckpointStore::open(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return Status(PipelineErrc::kStorage,
                  fmt::format("checkpoint store: cannot create {}: {}", path.string(), ec.message()));
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, path.string(), &raw);
  if (!s.ok()) return storage_error(s, fmt::format("cannot open {}", path.string()));
  return std::unique_ptr<CheckpointStore>(new CheckpointStore(std::unique_ptr<rocksdb::DB>(raw)));
}

Status CheckpointStore::commit(const Checkpoint& checkpoint) {
  rocksdb::WriteBatch batch;
  const std::string prefix = pipeline_prefix(checkpoint.pipeline);
  for (const SourceOffset& entry : checkpoint.offsets) {
    std::string key = prefix;
    append_name(key, entry.source.topic);
    append_be32(key, static_cast<uint32_t>(entry.source.partition.value()) ^ 0x80000000u);
    std::string value(1, static_cast<char>(kValueVersion));
    uint8_t buf[8];
    store_be64(buf, static_cast<uint64_t>(entry.next.value()));
    value.append(reinterpret_cast<const char*>(buf), 8);
    batch.Put(key, value);
  }
  std::vector<uint32_t> order;
  for (const StepDelta& delta : checkpoint.state) {
    const std::string prefix_of_step = step_prefix(checkpoint.pipeline, delta.step, delta.kind);
    std::string key;
    // In key order: RocksDB's memtable inserts a key right after the previous one without
    // searching its skip list, which made most of a large checkpoint's cost in hash order.
    // Stable, so a deletion and a put of the same key keep their order.
    order.resize(delta.writes.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&delta](uint32_t a, uint32_t b) { return delta.writes[a].key < delta.writes[b].key; });
    for (const uint32_t i : order) {
      const StateDelta::Write write = delta.writes[i];
      key.assign(prefix_of_step);
      key.append(write.key);
      if (write.value.has_value()) {
        batch.Put(key, *write.value);
      } else {
        batch.Delete(key);
      }
    }
  }
  rocksdb::WriteOptions options;
  options.sync = true;
  const rocksdb::Status s = db_->Write(options, &batch);
  if (!s.ok()) return storage_error(s, fmt::format("commit of pipeline {}", checkpoint.pipeline));
  return Status();
}

Result<std::map<log::TopicPartition, log::Offset>> CheckpointStore::load_offsets(
    std::string_view pipeline) const {
  std::map<log::TopicPartition, log::Offset> out;
  const std::string prefix = pipeline_prefix(pipeline);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const rocksdb::Slice key = it->key();
    const auto* rest = reinterpret_cast<const uint8_t*>(key.data()) + prefix.size();
    size_t left = key.size() - prefix.size();
    if (left < 4) return corrupt(pipeline, "short key");
    const uint32_t topic_size = load_be32(rest);
    if (left != 4 + size_t{topic_size} + 4) return corrupt(pipeline, "key of the wrong length");
    std::string topic(reinterpret_cast<const char*>(rest + 4), topic_size);
    const auto partition = static_cast<int32_t>(load_be32(rest + 4 + topic_size) ^ 0x80000000u);
    const rocksdb::Slice value = it->value();
    if (value.size() != 9 || static_cast<uint8_t>(value[0]) != kValueVersion) {
      return corrupt(pipeline, fmt::format("offset of {}/{} does not decode", topic, partition));
    }
    const auto next =
        static_cast<int64_t>(load_be64(reinterpret_cast<const uint8_t*>(value.data()) + 1));
    out.emplace(log::TopicPartition{std::move(topic), log::PartitionId(partition)},
                log::Offset(next));
  }
  if (!it->status().ok()) return storage_error(it->status(), "read");
  return out;
}

Status CheckpointStore::load_state(std::string_view pipeline, const StateVisitor& visit) const {
  const std::string prefix = pipeline_prefix(pipeline, kStateTag);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const rocksdb::Slice key = it->key();
    const auto* rest = reinterpret_cast<const uint8_t*>(key.data()) + prefix.size();
    const size_t left = key.size() - prefix.size();
    if (left < 8) return corrupt(pipeline, "short state key");
    const uint32_t step = load_be32(rest);
    const uint32_t kind_size = load_be32(rest + 4);
    if (left < 8 + size_t{kind_size}) return corrupt(pipeline, "state key of the wrong length");
    const std::string_view kind(reinterpret_cast<const char*>(rest + 8), kind_size);
    const std::string_view own(reinterpret_cast<const char*>(rest + 8 + kind_size), left - 8 - kind_size);
    CAUDAL_RETURN_IF_ERROR(visit(step, kind, own, std::string_view(it->value().data(), it->value().size())));
  }
  if (!it->status().ok()) return storage_error(it->status(), "read");
  return Status();
}

}  // namespace caudal::pipeline
