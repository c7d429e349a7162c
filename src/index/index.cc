#include "index/index.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "index/date.h"
#include "index/errc.h"
#include "index/segment_builder.h"
#include "index/segment_file.h"
#include "index/segment_merger.h"

namespace caudal::index {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;
constexpr std::string_view kPositionsFile = "positions.json";
// Segments above this many documents are left out of merges: merging them again would cost
// more than the segment count saves.
constexpr uint32_t kMaxMergeDocs = 2'000'000;

Status storage(const Status& status, std::string_view what) {
  return Status(Errc::kStorage, fmt::format("{}: {}", what, status.message()));
}

// `values` is scratch space, passed in so its allocation is reused across documents.
int64_t timestamp_of(const Json& source, const std::string& field, int64_t fallback,
                     std::vector<const Json*>& values) {
  if (field.empty()) return fallback;
  values.clear();
  collect_values(source, field, values);
  for (const Json* value : values) {
    if (value->is_int()) return value->as_int();
    if (value->is_string()) {
      if (auto date = parse_iso_date(value->as_string())) return *date;
    }
  }
  return fallback;
}

// The number of an id of the form "<partition>-<offset>" (decimal, no leading zeros, partition
// below 2^23 and offset below 2^40), as generated ids are written: the same number for the
// same text, and no other text has it.
std::optional<uint64_t> generated_id_key(std::string_view id) {
  const size_t dash = id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view digits, uint64_t limit) -> std::optional<uint64_t> {
    if (digits.empty() || digits.size() > 13 || (digits.size() > 1 && digits[0] == '0')) {
      return std::nullopt;
    }
    uint64_t value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (value >= limit) return std::nullopt;
    return value;
  };
  const auto partition = number(id.substr(0, dash), uint64_t{1} << 23);
  const auto offset = number(id.substr(dash + 1), uint64_t{1} << 40);
  if (!partition || !offset) return std::nullopt;
  return (*partition << 40) | *offset;
}

}  // namespace

Index::Index(IndexOptions options) : options_(std::move(options)), mappings_(options_.mappings) {}

Index::~Index() = default;

Result<std::unique_ptr<Index>> Index::open(IndexOptions options) {
  std::unique_ptr<Index> index(new Index(std::move(options)));
  CAUDAL_RETURN_IF_ERROR(index->load());
  return index;
}

Status Index::load() {
  FileSystem& fs = *options_.fs;
  Status made = fs.create_directories(options_.dir);
  if (!made.ok()) return storage(made, options_.dir.string());
  auto names = fs.list_directory(options_.dir);
  if (!names.ok()) return storage(names.status(), options_.dir.string());
  std::map<uint64_t, SegmentFileData> files;
  for (const std::string& name : *names) {
    const std::filesystem::path path = options_.dir / name;
    if (name.ends_with(".tmp")) {
      (void)fs.remove_file(path);
      continue;
    }
    if (!name.ends_with(".seg")) continue;
    CAUDAL_ASSIGN_OR_RETURN(SegmentFileData data, read_segment_file(fs, path));
    auto info = fs.stat(path);
    const uint64_t bytes = info.ok() ? info->size : 0;
    next_seq_ = std::max(next_seq_, data.seq + 1);
    files.emplace(data.seq, std::move(data));
    live_[files.rbegin()->first].file_bytes = bytes;
  }
  // A merge that crashed before deleting its inputs left them behind: the merged file wins.
  std::set<uint64_t> replaced;
  for (const auto& [seq, data] : files) replaced.insert(data.replaces.begin(), data.replaces.end());
  for (uint64_t seq : replaced) {
    if (files.erase(seq) > 0) {
      live_.erase(seq);
      (void)fs.remove_file(options_.dir / segment_file_name(seq));
    }
  }
  for (auto& [seq, data] : files) {
    for (const auto& [partition, next] : data.next_offsets) {
      int64_t& known = durable_offsets_[partition];
      known = std::max(known, next);
    }
    live_[seq].deletes = std::make_shared<Roaring>();
    if (data.fields) {
      // Dynamic types as the segments met them, the oldest first (as when they were built).
      for (const auto& [name, field] : *data.fields) {
        if (!mappings_.type_of(name)) mappings_.set(name, field.type);
      }
      live_[seq].segment =
          Segment::restore(seq, std::move(data.docs), std::move(data.next_offsets),
                           std::move(data.replaces), std::move(*data.fields),
                           std::move(data.blocks));
      continue;
    }
    // A file of the first format: its fields are rebuilt from the sources.
    SegmentBuilder builder(mappings_);
    for (const SourceBlock& block : data.blocks) {
      CAUDAL_ASSIGN_OR_RETURN(std::vector<std::string> sources, decode_block(block));
      for (uint32_t i = 0; i < sources.size(); ++i) {
        Result<Json> json = parse_json(sources[i]);
        builder.add(std::move(data.docs[block.first_doc + i]), json.ok() ? *json : Json::object(),
                    sources[i]);
      }
    }
    for (const auto& [partition, next] : data.next_offsets) builder.note_position(partition, next);
    builder.set_replaces(data.replaces);
    live_[seq].segment = builder.build(seq, std::move(data.blocks));
  }
  for (auto& [seq, live] : live_) {
    for (uint32_t d = 0; d < live.segment->doc_count(); ++d) claim_id(*live.segment, d);
  }
  // positions.json outlives segments dropped by retention.
  auto file = fs.open(options_.dir / kPositionsFile, OpenMode::kRead);
  if (file.ok()) {
    auto size = (*file)->size();
    std::string text(size.ok() ? *size : 0, '\0');
    auto got = (*file)->read_at(
        0, std::span<uint8_t>(reinterpret_cast<uint8_t*>(text.data()), text.size()));
    Result<Json> json = got.ok() ? parse_json(text) : Result<Json>(got.status());
    if (json.ok() && json->is_object()) {
      for (const auto& [key, value] : json->members()) {
        int64_t& known = durable_offsets_[std::atoi(key.c_str())];
        known = std::max(known, value.as_int());
      }
    } else {
      spdlog::warn("index {}: {} unreadable; resuming from the segments' positions", options_.name,
                   kPositionsFile);
    }
  }
  read_offsets_ = durable_offsets_;
  publish();
  return Status();
}

void Index::add(int32_t partition, int64_t offset, int64_t record_timestamp,
                std::optional<std::string_view> key, std::string_view value) {
  read_offsets_[partition] = offset + 1;
  Status parsed = parse_json_into(value, document_);
  if (!parsed.ok() || !document_.is_object()) {
    ++malformed_;
    return;
  }
  DocMeta meta;
  meta.id = key ? std::string(*key) : fmt::format("{}-{}", partition, offset);
  meta.partition = partition;
  meta.offset = offset;
  meta.timestamp =
      timestamp_of(document_, options_.timestamp_field, record_timestamp, timestamp_values_);
  if (!buffer_) buffer_ = std::make_unique<SegmentBuilder>(mappings_);
  buffer_->add(std::move(meta), document_, value);
}

void Index::claim_id(const Segment& segment, uint32_t doc) {
  const DocMeta& meta = segment.meta(doc);
  const Location here{segment.seq(), doc, meta.partition, meta.offset};
  auto [at, inserted] = emplace_id(meta.id, here);
  if (inserted) return;
  Location& held = *at;
  const bool newer =
      held.partition == here.partition ? here.offset > held.offset : here.seq >= held.seq;
  const Location loser = newer ? held : here;
  if (newer) held = here;
  auto live = live_.find(loser.seq);
  if (live == live_.end()) return;
  if (!live->second.deletes->contains(loser.doc)) {
    // Copy on write: published snapshots keep the bitmap they were given.
    auto copy = std::make_shared<Roaring>(*live->second.deletes);
    copy->add(loser.doc);
    live->second.deletes = std::move(copy);
  }
}

Index::Location* Index::find_id(const std::string& id) {
  if (auto key = generated_id_key(id)) {
    auto it = generated_ids_.find(*key);
    return it == generated_ids_.end() ? nullptr : &it->second;
  }
  auto it = ids_.find(id);
  return it == ids_.end() ? nullptr : &it->second;
}

std::pair<Index::Location*, bool> Index::emplace_id(const std::string& id, const Location& here) {
  if (auto key = generated_id_key(id)) {
    auto [it, inserted] = generated_ids_.try_emplace(*key, here);
    return {&it->second, inserted};
  }
  auto [it, inserted] = ids_.try_emplace(id, here);
  return {&it->second, inserted};
}

void Index::erase_id(const std::string& id) {
  if (auto key = generated_id_key(id)) {
    generated_ids_.erase(*key);
  } else {
    ids_.erase(id);
  }
}

Status Index::install(std::shared_ptr<const Segment> segment, std::vector<uint64_t> replaced) {
  uint64_t bytes = 0;
  if (!options_.dir.empty()) {
    CAUDAL_ASSIGN_OR_RETURN(bytes, write_segment_file(*options_.fs, options_.dir, *segment));
  }
  for (uint64_t seq : replaced) {
    live_.erase(seq);
    (void)options_.fs->remove_file(options_.dir / segment_file_name(seq));
  }
  Live& live = live_[segment->seq()];
  live.segment = segment;
  live.deletes = std::make_shared<Roaring>();
  live.file_bytes = bytes;
  for (uint32_t d = 0; d < segment->doc_count(); ++d) claim_id(*segment, d);
  for (const auto& [partition, next] : segment->next_offsets()) {
    int64_t& known = durable_offsets_[partition];
    known = std::max(known, next);
  }
  return Status();
}

Status Index::write_positions() {
  Json json = Json::object();
  for (const auto& [partition, next] : durable_offsets_) {
    json.set(std::to_string(partition), Json::integer(next));
  }
  const std::string text = json.dump();
  const std::filesystem::path path = options_.dir / kPositionsFile;
  const std::filesystem::path tmp = path.string() + ".tmp";
  auto file = options_.fs->open(tmp, OpenMode::kReadWrite);
  if (!file.ok()) return storage(file.status(), tmp.string());
  Status status = (*file)->truncate(0);
  const ByteView parts[] = {as_bytes(text)};
  if (status.ok()) status = (*file)->write_gather_at(0, parts);
  if (status.ok()) status = (*file)->sync();
  if (status.ok()) status = options_.fs->rename(tmp, path);
  if (status.ok()) status = options_.fs->sync_directory(options_.dir);
  if (!status.ok()) return storage(status, path.string());
  return Status();
}

Status Index::refresh() {
  if (!buffer_) {
    if (read_offsets_ != durable_offsets_) {
      // Only malformed records since the last refresh: they are done with too.
      for (const auto& [partition, next] : read_offsets_) durable_offsets_[partition] = next;
      CAUDAL_RETURN_IF_ERROR(write_positions());
      publish();
    }
    return Status();
  }
  std::unique_ptr<SegmentBuilder> builder = std::move(buffer_);
  for (const auto& [partition, next] : read_offsets_) builder->note_position(partition, next);
  Status installed = install(builder->build(next_seq_++), {});
  if (installed.ok()) installed = write_positions();
  if (!installed.ok()) {
    read_offsets_ = durable_offsets_;
    return installed;
  }
  publish();
  return Status();
}

Status Index::clear(const std::map<int32_t, int64_t>& resume_at) {
  std::vector<uint64_t> all;
  for (const auto& [seq, live] : live_) all.push_back(seq);
  for (uint64_t seq : all) CAUDAL_RETURN_IF_ERROR(drop(seq));
  ids_.clear();
  generated_ids_.clear();
  buffer_.reset();
  mappings_ = options_.mappings;
  durable_offsets_ = resume_at;
  read_offsets_ = resume_at;
  CAUDAL_RETURN_IF_ERROR(write_positions());
  publish();
  return Status();
}

Status Index::merge(const std::vector<uint64_t>& seqs) {
  std::vector<MergeInput> inputs;
  for (uint64_t seq : seqs) {
    const Live& live = live_.at(seq);
    inputs.push_back(MergeInput{live.segment.get(), live.deletes.get()});
  }
  CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<const Segment> merged,
                          merge_segments(next_seq_++, inputs, seqs));
  // The merged documents take over their ids from the segments they came from.
  for (uint32_t d = 0; d < merged->doc_count(); ++d) {
    erase_id(merged->meta(d).id);
  }
  return install(std::move(merged), seqs);
}

Status Index::drop(uint64_t seq) {
  auto it = live_.find(seq);
  if (it == live_.end()) return Status();
  const Segment& segment = *it->second.segment;
  for (uint32_t d = 0; d < segment.doc_count(); ++d) {
    const Location* held = find_id(segment.meta(d).id);
    if (held != nullptr && held->seq == seq) erase_id(segment.meta(d).id);
  }
  live_.erase(it);
  Status removed = options_.fs->remove_file(options_.dir / segment_file_name(seq));
  if (!removed.ok()) return storage(removed, segment_file_name(seq));
  return Status();
}

Status Index::maintain() {
  bool changed = false;
  // Retention by age: a segment goes when its newest document is older than the limit.
  if (options_.retention) {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            options_.clock->wall_now().time_since_epoch())
                            .count();
    const int64_t cutoff =
        now - std::chrono::duration_cast<std::chrono::milliseconds>(*options_.retention).count();
    std::vector<uint64_t> old;
    for (const auto& [seq, live] : live_) {
      if (live.segment->max_timestamp() < cutoff) old.push_back(seq);
    }
    for (uint64_t seq : old) CAUDAL_RETURN_IF_ERROR(drop(seq));
    changed |= !old.empty();
  }
  // Retention by size: the segments with the oldest newest documents go first.
  if (options_.retention_bytes) {
    uint64_t total = 0;
    std::vector<std::pair<int64_t, uint64_t>> by_age;
    for (const auto& [seq, live] : live_) {
      total += live.file_bytes;
      by_age.emplace_back(live.segment->max_timestamp(), seq);
    }
    std::sort(by_age.begin(), by_age.end());
    for (const auto& [ts, seq] : by_age) {
      if (total <= *options_.retention_bytes) break;
      total -= live_.at(seq).file_bytes;
      CAUDAL_RETURN_IF_ERROR(drop(seq));
      changed = true;
    }
  }
  // Merges: time-partitioned by the UTC day of each segment's newest document, and within a
  // day by size tier (the power of merge_factor of its document count), so segments merge with
  // others of their size and a document is rebuilt about log(documents) times, not at every
  // merge of a growing day.
  const uint64_t factor = std::max<uint64_t>(options_.merge_factor, 2);
  auto tier = [factor](uint64_t docs) {
    int t = 0;
    for (uint64_t bound = factor; docs >= bound; bound *= factor) ++t;
    return t;
  };
  std::map<std::pair<int64_t, int>, std::vector<uint64_t>> days;
  for (const auto& [seq, live] : live_) {
    if (live.segment->doc_count() > kMaxMergeDocs) continue;
    int64_t day = live.segment->max_timestamp() / kDayMs;
    if (live.segment->max_timestamp() < 0 && live.segment->max_timestamp() % kDayMs != 0) --day;
    days[{day, tier(live.segment->doc_count())}].push_back(seq);
  }
  for (const auto& [day, seqs] : days) {
    if (seqs.size() <= options_.merge_factor) continue;
    CAUDAL_RETURN_IF_ERROR(merge(seqs));
    changed = true;
  }
  if (changed) publish();
  return Status();
}

void Index::publish() {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->index = options_.name;
  snapshot->mappings = mappings_;
  for (const auto& [seq, live] : live_) {
    snapshot->segments.push_back(SegmentView{live.segment, live.deletes, live.file_bytes});
    snapshot->live_docs += live.segment->doc_count() - live.deletes->cardinality();
    snapshot->deleted_docs += live.deletes->cardinality();
    snapshot->file_bytes += live.file_bytes;
  }
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(snapshot);
  published_offsets_ = durable_offsets_;
  published_read_offsets_ = read_offsets_;
  published_buffered_ = buffer_ ? buffer_->doc_count() : 0;
  published_malformed_ = malformed_;
}

std::map<int32_t, int64_t> Index::next_offsets() const {
  std::lock_guard lock(mutex_);
  return published_offsets_;
}

std::map<int32_t, int64_t> Index::read_offsets() const {
  std::lock_guard lock(mutex_);
  return published_read_offsets_;
}

std::shared_ptr<const Snapshot> Index::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

IndexStats Index::stats() const {
  std::lock_guard lock(mutex_);
  IndexStats stats;
  stats.docs = snapshot_->live_docs;
  stats.deleted = snapshot_->deleted_docs;
  stats.segments = snapshot_->segments.size();
  stats.file_bytes = snapshot_->file_bytes;
  stats.buffered = published_buffered_;
  stats.malformed = published_malformed_;
  return stats;
}

Status Index::destroy() {
  Status removed = options_.fs->remove_all(options_.dir);
  if (!removed.ok()) return storage(removed, options_.dir.string());
  return Status();
}

}  // namespace caudal::index
