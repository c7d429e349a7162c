#include "pipeline/runtime/source_reader.h"

#include <spdlog/spdlog.h>

#include "log/errc.h"
#include "log/record_batch_header.h"
#include "pipeline/runtime/remote_source.h"

namespace caudal::pipeline {
namespace {

constexpr size_t kReadBytes = size_t{1} << 20;

std::optional<std::string_view> text_of(const std::optional<ByteView>& bytes) {
  if (!bytes.has_value()) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

// The first whole stored batch of `bytes`, taken off its front; nullopt when none is whole.
std::optional<ByteView> take_batch(ByteView& bytes) {
  if (bytes.size() < log::kBatchLengthPrefix) return std::nullopt;
  const size_t size = log::kBatchLengthPrefix + load_be32(bytes.data() + log::batch_offsets::kBatchLength);
  if (size > bytes.size()) return std::nullopt;
  const ByteView stored = bytes.subspan(0, size);
  bytes = bytes.subspan(size);
  return stored;
}

log::Offset after(const log::RecordBatchHeader& header) {
  return log::Offset(header.base_offset + header.last_offset_delta + 1);
}

}  // namespace

// Time order: what one source has read from its partition and not yet processed.
struct SourceReader::Buffer {
  Bytes bytes;         // the batches of the last read
  ByteView rest;       // of `bytes`, the batches not started yet
  bool in_batch = false;  // `reader` is inside a batch of `bytes`
  log::RecordBatchReader reader;
  log::Offset skip_below;  // records of the first batch read below the requested offset
  log::Offset cursor;      // where the next read from the partition starts
  // The next record to process: the reader's own, valid until its next next().
  const log::Record* head = nullptr;
  bool has_head = false;
};

SourceReader::SourceReader(const std::string& pipeline, SourceOrder order, Clock* clock)
    : pipeline_(pipeline), order_(order), clock_(clock) {}

SourceReader::~SourceReader() = default;

void SourceReader::set_remote(std::unique_ptr<RemoteSource> remote) { remote_ = std::move(remote); }

void SourceReader::add(Source source) {
  auto buffer = std::make_unique<Buffer>();
  buffer->cursor = source.next;
  buffer->skip_below = source.next;
  buffers_.push_back(std::move(buffer));
  sources_.push_back(std::move(source));
}

log::Offset SourceReader::cursor(size_t s) const {
  return order_ == SourceOrder::kTime ? buffers_[s]->cursor : sources_[s].next;
}

size_t SourceReader::read(EventBatch& batch, BatchOutput& output, size_t limit,
                          std::vector<std::pair<size_t, log::Offset>>& read_to) {
  read_to.clear();
  holding_ = false;
  if (remote_ != nullptr) return remote_->read(batch, output, limit, read_to);
  return order_ == SourceOrder::kTime ? read_time(batch, output, limit, read_to)
                                      : read_arrival(batch, output, limit, read_to);
}

std::optional<log::BatchRead> SourceReader::read_partition(Source& source, log::Offset& offset) {
  Result<log::BatchRead> read = source.partition->read(offset, kReadBytes);
  if (read.ok()) return std::move(read).value();
  if (read.status().code() == log::Errc::kOffsetOutOfRange && offset < source.partition->log_start_offset()) {
    spdlog::warn("pipeline {}: {}/{} offset {} was deleted by retention; going on from {}", pipeline_,
                 source.id.topic, source.id.partition.value(), offset.value(),
                 source.partition->log_start_offset().value());
    offset = source.partition->log_start_offset();
  } else {
    spdlog::error("pipeline {}: {}", pipeline_, read.status().message());
  }
  return std::nullopt;
}

void append_record(Source& source, std::string_view topic, log::Offset offset, int64_t timestamp_ms,
                   std::optional<std::string_view> key, std::optional<std::string_view> value, EventBatch& batch,
                   BatchOutput& output) {
  SourcePosition position;
  position.topic = topic;
  position.partition = source.id.partition;
  position.offset = offset;
  position.timestamp_ms = timestamp_ms;
  position.key = key;
  Result<uint32_t> added = batch.append_json(value.value_or(std::string_view()), position);
  if (!added.ok()) {
    output.add_undecodable(position, value.value_or(std::string_view()),
                           value.has_value() ? added.status().message() : std::string("the record has no value"));
  }
  source.next = log::Offset(offset.value() + 1);
  source.last_timestamp_ms = timestamp_ms;
  source.positioned = true;
}

void SourceReader::append(Source& source, const log::Record& record, EventBatch& batch, BatchOutput& output) {
  append_record(source, source.id.topic, record.offset, record.timestamp_ms, text_of(record.key), text_of(record.value),
                batch, output);
}

size_t SourceReader::read_arrival(EventBatch& batch, BatchOutput& output, size_t limit,
                                  std::vector<std::pair<size_t, log::Offset>>& read_to) {
  size_t records = 0;
  for (size_t k = 0; k < sources_.size() && records < limit; ++k) {
    const size_t s = (next_source_ + k) % sources_.size();
    Source& source = sources_[s];
    std::optional<log::BatchRead> read = read_partition(source, source.next);
    if (!read.has_value()) continue;
    const log::Offset before = source.next;
    ByteView bytes(read->bytes);
    while (records < limit) {
      const std::optional<ByteView> stored = take_batch(bytes);
      if (!stored.has_value()) break;
      Status reset = reader_.reset(*stored);
      if (!reset.ok()) {
        spdlog::error("pipeline {}: {}/{}: {}", pipeline_, source.id.topic, source.id.partition.value(),
                      reset.message());
        break;
      }
      if (reader_.header().control()) {
        source.next = after(reader_.header());
        continue;
      }
      while (records < limit) {
        Result<const log::Record*> next = reader_.next();
        if (!next.ok() || *next == nullptr) break;
        if ((*next)->offset < source.next) continue;
        append(source, **next, batch, output);
        ++records;
      }
    }
    if (source.next != before) read_to.emplace_back(s, source.next);
  }
  next_source_ = sources_.empty() ? 0 : (next_source_ + 1) % sources_.size();
  return records;
}

bool SourceReader::advance(size_t s) {
  Buffer& b = *buffers_[s];
  Source& source = sources_[s];
  b.has_head = false;
  bool read_once = false;
  for (;;) {
    if (b.in_batch) {
      Result<const log::Record*> next = b.reader.next();
      if (next.ok() && *next != nullptr) {
        if ((*next)->offset < b.skip_below) continue;
        b.head = *next;
        b.has_head = true;
        return true;
      }
      b.in_batch = false;
      if (!next.ok()) {
        spdlog::error("pipeline {}: {}/{}: {}", pipeline_, source.id.topic, source.id.partition.value(),
                      next.status().message());
      }
    }
    if (const std::optional<ByteView> stored = take_batch(b.rest)) {
      Status reset = b.reader.reset(*stored);
      if (!reset.ok()) {
        // As in arrival order: the batch is read again by the next read, which logs it again.
        spdlog::error("pipeline {}: {}/{}: {}", pipeline_, source.id.topic, source.id.partition.value(),
                      reset.message());
        b.rest = ByteView();
        return false;
      }
      b.cursor = after(b.reader.header());
      b.in_batch = !b.reader.header().control();
      continue;
    }
    // Everything read was processed (or was control records): the source's position catches
    // up with the cursor, so a restart does not read those control records again.
    if (source.next < b.cursor) source.next = b.cursor;
    if (read_once || b.cursor >= source.partition->high_watermark()) return false;
    read_once = true;
    log::Offset from = b.cursor;
    std::optional<log::BatchRead> read = read_partition(source, from);
    if (from != b.cursor) {
      b.cursor = from;  // retention deleted what was next
      source.next = from;
    }
    if (!read.has_value() || read->bytes.empty()) return false;
    b.bytes = std::move(read->bytes);
    b.rest = ByteView(b.bytes);
    b.skip_below = b.cursor;
  }
}

size_t SourceReader::read_time(EventBatch& batch, BatchOutput& output, size_t limit,
                               std::vector<std::pair<size_t, log::Offset>>& read_to) {
  std::vector<log::Offset> before;
  before.reserve(sources_.size());
  for (const Source& source : sources_) before.push_back(source.next);
  const int64_t now_ms = clock_->wall_millis();
  size_t records = 0;
  while (records < limit) {
    // The smallest head by (timestamp, source index), and the next smallest: the bound.
    size_t best = sources_.size();
    size_t bound = sources_.size();
    bool caught_up = false;  // some source has no head: it is at its high watermark
    for (size_t s = 0; s < sources_.size(); ++s) {
      Buffer& b = *buffers_[s];
      if (!b.has_head && !advance(s)) {
        caught_up = true;
        continue;
      }
      // Strictly older wins; on equal timestamps the earlier source (topic in `from`, then
      // partition) does, and within a source the offset order holds.
      if (best == sources_.size() || b.head->timestamp_ms < buffers_[best]->head->timestamp_ms) {
        bound = best;
        best = s;
      } else if (bound == sources_.size() || b.head->timestamp_ms < buffers_[bound]->head->timestamp_ms) {
        bound = s;
      }
    }
    if (best == sources_.size()) break;
    // Then the best source's records go in a run, each while it still sorts before the bound's
    // head: one scan of the sources per run, not per record. The other heads do not change
    // meanwhile, and a caught-up source gets no record stamped before now_ms (the contract),
    // so the run emits exactly what the record-by-record merge would.
    Buffer& b = *buffers_[best];
    const int64_t bound_ms = bound == sources_.size() ? INT64_MAX : buffers_[bound]->head->timestamp_ms;
    do {
      const int64_t ms = b.head->timestamp_ms;
      if (ms > bound_ms || (ms == bound_ms && bound < best)) break;
      if (caught_up && ms >= now_ms && ms <= now_ms + 1) {
        // A caught-up partition may still receive a record stamped in this millisecond that
        // sorts first. Records stamped further ahead broke the contract; they are not held.
        holding_ = true;
        break;
      }
      if (ms < last_emitted_ms_) ++out_of_order_;
      last_emitted_ms_ = std::max(last_emitted_ms_, ms);
      append(sources_[best], *b.head, batch, output);
      ++records;
      b.has_head = false;
    } while (records < limit && advance(best));
    if (holding_) break;
  }
  for (size_t s = 0; s < sources_.size(); ++s) {
    if (sources_[s].next != before[s]) read_to.emplace_back(s, sources_[s].next);
  }
  return records;
}

}  // namespace caudal::pipeline
