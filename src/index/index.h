// Index: one search index (docs/search.md): documents in, immutable segments out, searches
// over a consistent snapshot.
//
// Documents arrive with add() (from the index's topic: partition, offset, key, value) into an
// in-memory buffer that is not searchable; refresh() turns the buffer into a segment, writes it
// durably under `dir` (segment_file.h), records the topic positions it covers in
// `positions.json` (atomically) and only then publishes it, so what a search sees is always on
// disk. A crash loses at most the buffer, which the feeder reads again from the topic starting
// at next_offsets().
//
// Ids: a document's _id is its record key (the `_id` of `_bulk`/`_doc`), otherwise
// "<partition>-<offset>" (the id `_bulk` answered with). A later document with an _id replaces
// the earlier one (a deletes bitmap beside the older segment); the same record read twice
// (replay after a crash) is kept once, because the newer of two is the one with the higher
// offset in the same partition.
//
// maintain() merges a day's segments of similar size into one (dropping replaced documents:
// a day's segments holding 1 to merge_factor-1 documents merge together, then those holding
// merge_factor to merge_factor^2-1, and so on, so merges cost O(n log n)) and applies
// retention: segments whose newest document is older than `retention` go whole, and the oldest
// go while the files exceed `retention_bytes`.
//
// Threads: add(), refresh() and maintain() are called by one feeder thread; snapshot(),
// mappings() and stats() from any thread (a mutex guards the published state only).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/file_system.h"
#include "common/result.h"
#include "index/mapping.h"
#include "index/segment.h"
#include "index/segment_builder.h"

namespace caudal::index {

struct IndexOptions {
  std::string name;
  std::filesystem::path dir;    // data_dir/index/<name>
  std::string timestamp_field;  // "" or absent in a document: the record's timestamp
  Mappings mappings;            // explicit mappings; other fields are inferred
  std::optional<Duration> retention;
  std::optional<uint64_t> retention_bytes;
  size_t merge_factor = 8;  // a day with more segments than this is merged
  FileSystem* fs = &PosixFileSystem::instance();
  Clock* clock = &SystemClock::instance();
};

// A segment as a search sees it: the segment and which of its documents were replaced.
struct SegmentView {
  std::shared_ptr<const Segment> segment;
  std::shared_ptr<const Roaring> deletes;
  uint64_t file_bytes = 0;
};

struct Snapshot {
  std::string index;
  std::vector<SegmentView> segments;
  Mappings mappings;
  uint64_t live_docs = 0;
  uint64_t deleted_docs = 0;
  uint64_t file_bytes = 0;
};

struct IndexStats {
  uint64_t docs = 0;
  uint64_t deleted = 0;
  uint64_t segments = 0;
  uint64_t file_bytes = 0;
  uint64_t buffered = 0;
  uint64_t malformed = 0;  // records whose value is not a JSON object (skipped)
};

class Index {
 public:
  // Opens `options.dir` (creating it), reads every segment file, drops files a merge replaced
  // and leftover .tmp files, and rebuilds ids and deletes. kCorruptSegment, kStorage.
  static Result<std::unique_ptr<Index>> open(IndexOptions options);
  ~Index();

  const std::string& name() const { return options_.name; }

  // Buffers one record of the topic. A value that is not a JSON object is counted and skipped.
  void add(int32_t partition, int64_t offset, int64_t record_timestamp,
           std::optional<std::string_view> key, std::string_view value);
  // Makes the buffer a durable, searchable segment (nothing to do when it is empty). On a
  // failure the buffer is dropped and resume_offsets() goes back to the durable positions, so
  // the feeder reads those records again.
  Status refresh();
  // Bytes of documents added since the last refresh.
  uint64_t buffered_bytes() const { return buffer_ ? buffer_->source_bytes() : 0; }
  // Where the feeder continues reading: after the last record handed to add().
  const std::map<int32_t, int64_t>& resume_offsets() const { return read_offsets_; }
  // Records that `partition` goes on at `next` (the topic's retention deleted what was before).
  void skip_to(int32_t partition, int64_t next) { read_offsets_[partition] = next; }
  // Deletes every segment (DELETE /{index}); the index continues from `resume_at`.
  Status clear(const std::map<int32_t, int64_t>& resume_at);
  // Merges and retention; see above.
  Status maintain();

  // Per partition, the offset after the last record that is durably indexed: where the feeder
  // resumes after a restart.
  std::map<int32_t, int64_t> next_offsets() const;
  // Per partition, the offset after the last record handed to add().
  std::map<int32_t, int64_t> read_offsets() const;

  std::shared_ptr<const Snapshot> snapshot() const;
  IndexStats stats() const;
  // Deletes every file of the index; the object must not be used afterwards but destroyed.
  Status destroy();

 private:
  struct Location {
    uint64_t seq;
    uint32_t doc;
    int32_t partition;
    int64_t offset;
  };
  struct Live {
    std::shared_ptr<const Segment> segment;
    std::shared_ptr<Roaring> deletes;
    uint64_t file_bytes = 0;
  };

  explicit Index(IndexOptions options);
  Status load();
  Status write_positions();
  // Records `doc` of `segment` under its id; marks whichever of it and an earlier holder of
  // the id is older as deleted. Caller holds nothing; touches live_ and ids_.
  void claim_id(const Segment& segment, uint32_t doc);
  // Where the document holding `id` is; null when no document holds it.
  Location* find_id(const std::string& id);
  // Records `id` at `here` unless a document holds it already; returns where it is held.
  std::pair<Location*, bool> emplace_id(const std::string& id, const Location& here);
  void erase_id(const std::string& id);
  Status install(std::shared_ptr<const Segment> segment, std::vector<uint64_t> replaced);
  Status merge(const std::vector<uint64_t>& seqs);
  Status drop(uint64_t seq);
  void publish();

  IndexOptions options_;
  // Feeder-thread state. Documents are indexed as they arrive, into the segment the next
  // refresh builds (null when nothing arrived since the last one).
  std::unique_ptr<SegmentBuilder> buffer_;
  std::map<int32_t, int64_t> read_offsets_;
  std::map<int32_t, int64_t> durable_offsets_;
  std::map<uint64_t, Live> live_;  // by seq
  // Which document holds each id: ids of the form generated ids have ("<partition>-<offset>",
  // generated or given) by their number (generated_id_key), every other by its text. Every
  // document passes through here at each refresh and merge: a number hashes and compares
  // in a fraction of a string's time.
  std::unordered_map<uint64_t, Location> generated_ids_;
  std::unordered_map<std::string, Location> ids_;
  Mappings mappings_;
  uint64_t next_seq_ = 1;
  uint64_t malformed_ = 0;
  // add()'s scratch, kept so that parsing a document reuses the last one's storage.
  Json document_;
  std::vector<const Json*> timestamp_values_;
  // Published state, read by searches.
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::map<int32_t, int64_t> published_offsets_;
  std::map<int32_t, int64_t> published_read_offsets_;
  uint64_t published_buffered_ = 0;
  uint64_t published_malformed_ = 0;
};

}  // namespace caudal::index
