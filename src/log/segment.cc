#include "log/segment.h"

#include <charconv>

#include <fmt/format.h>

#include "log/batch_scanner.h"
#include "log/errc.h"
#include "log/record_batch_header.h"

namespace caudal::log {
namespace {

constexpr size_t kOffsetDigits = 20;

bool is_not_found(const Status& s) {
  return s.code() == std::errc::no_such_file_or_directory;
}

}  // namespace

std::string Segment::log_file_name(Offset base) {
  return fmt::format("{:020d}.log", base.value());
}

std::string Segment::index_file_name(Offset base) {
  return fmt::format("{:020d}.index", base.value());
}

std::optional<Offset> Segment::parse_log_file_name(std::string_view name) {
  if (name.size() != kOffsetDigits + 4 || !name.ends_with(".log")) return std::nullopt;
  int64_t value = 0;
  const char* begin = name.data();
  const char* end = begin + kOffsetDigits;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || value < 0) return std::nullopt;
  return Offset(value);
}

Segment::Segment(FileSystem& fs, std::filesystem::path dir, Offset base,
                 uint32_t index_interval_bytes, std::shared_ptr<File> file,
                 std::chrono::system_clock::time_point now)
    : fs_(fs),
      dir_(std::move(dir)),
      base_(base),
      log_path_(dir_ / log_file_name(base)),
      index_path_(dir_ / index_file_name(base)),
      file_(std::move(file)),
      index_(base, index_interval_bytes),
      synced_next_offset_(base),
      next_offset_(base),
      first_write_time_(now) {}

Result<std::shared_ptr<Segment>> Segment::create(FileSystem& fs, const std::filesystem::path& dir,
                                                 Offset base, uint32_t index_interval_bytes,
                                                 std::chrono::system_clock::time_point now) {
  CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<File> file,
                          fs.open(dir / log_file_name(base), OpenMode::kCreateExclusive));
  std::shared_ptr<Segment> segment(
      new Segment(fs, dir, base, index_interval_bytes, std::move(file), now));
  // An index file left behind by an earlier segment with this base (cut by recovery, or
  // deleted halfway) must not be mistaken for this one's.
  CAUDAL_RETURN_IF_ERROR(segment->open_index_file());
  CAUDAL_RETURN_IF_ERROR(segment->index_file_->truncate(0));
  return segment;
}

Result<std::shared_ptr<Segment>> Segment::open(FileSystem& fs, const std::filesystem::path& dir,
                                               Offset base, uint32_t index_interval_bytes,
                                               std::chrono::system_clock::time_point now) {
  CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<File> file,
                          fs.open(dir / log_file_name(base), OpenMode::kReadWrite));
  return std::shared_ptr<Segment>(
      new Segment(fs, dir, base, index_interval_bytes, std::move(file), now));
}

Status Segment::open_index_file() {
  if (index_file_) return Status();
  CAUDAL_ASSIGN_OR_RETURN(index_file_, fs_.open(index_path_, OpenMode::kReadWrite));
  return Status();
}

Status Segment::write(ByteView header, ByteView body, BatchMeta meta,
                      std::chrono::system_clock::time_point now) {
  const ByteView parts[] = {header, body};
  Status written = file_->write_gather_at(written_size_, parts);
  if (!written.ok()) {
    // Best effort: whatever part of the batch reached the file lies beyond written_size_, where
    // no reader looks and the next write lands on top of it.
    (void)file_->truncate(written_size_);
    return written;
  }
  if (written_size_ == 0) first_write_time_ = now;
  meta.position = written_size_;
  meta.size = header.size() + body.size();
  written_size_ += meta.size;
  next_offset_ = Offset(meta.last.value() + 1);
  uncommitted_.push_back(meta);
  return Status();
}

void Segment::commit_through(Offset last) {
  uint64_t committed = committed_size_.load(std::memory_order_relaxed);
  while (!uncommitted_.empty() && uncommitted_.front().last <= last) {
    const BatchMeta& m = uncommitted_.front();
    index_.add_batch(m.base, m.position, m.max_timestamp);
    committed = m.position + m.size;
    uncommitted_.pop_front();
  }
  committed_size_.store(committed, std::memory_order_release);
  index_sealed_ = false;
}

Status Segment::persist_index() {
  CAUDAL_RETURN_IF_ERROR(open_index_file());
  return index_.write_new_entries(*index_file_);
}

Status Segment::seal_index() {
  CAUDAL_RETURN_IF_ERROR(persist_index());
  CAUDAL_RETURN_IF_ERROR(index_file_->sync());
  index_sealed_ = true;
  return Status();
}

Status Segment::remove_files() {
  Status log_removed = fs_.remove_file(log_path_);
  if (!log_removed.ok() && !is_not_found(log_removed)) return log_removed;
  Status index_removed = fs_.remove_file(index_path_);
  if (!index_removed.ok() && !is_not_found(index_removed)) return index_removed;
  return Status();
}

Result<SegmentRecovery> Segment::recover(uint64_t trusted_end, bool cut_damage) {
  SegmentRecovery result;
  CAUDAL_ASSIGN_OR_RETURN(uint64_t file_size, file_->size());
  trusted_end = std::min(trusted_end, file_size);

  // 1. The index file, where it is consistent with the trusted bytes.
  CAUDAL_RETURN_IF_ERROR(open_index_file());
  CAUDAL_ASSIGN_OR_RETURN(uint64_t index_size, index_file_->size());
  Bytes index_bytes(index_size);
  CAUDAL_ASSIGN_OR_RETURN(size_t index_read, index_file_->read_at(0, index_bytes));
  index_bytes.resize(index_read);
  size_t kept = index_.load(index_bytes, trusted_end);
  if (kept > 0) {
    // Entries that agree with each other may still describe another file (an index left from
    // a segment that was cut and rewritten): the last one must point at the batch it names.
    IndexEntry last = index_.entry(kept - 1);
    uint8_t header_bytes[kBatchHeaderSize];
    CAUDAL_ASSIGN_OR_RETURN(size_t n, file_->read_at(last.position, header_bytes));
    bool agrees = false;
    if (n == kBatchHeaderSize) {
      auto header = RecordBatchHeader::parse(ByteView(header_bytes, n));
      agrees = header.ok() && header->magic == 2 &&
               header->base_offset == base_.value() + last.relative_offset &&
               header->max_timestamp <= last.max_timestamp;
    }
    if (!agrees) {
      index_.truncate(0);
      kept = 0;
    }
  }
  IndexPoint resume{base_, 0};
  if (kept > 0) {
    IndexEntry last = index_.entry(kept - 1);
    resume = IndexPoint{Offset(base_.value() + last.relative_offset), last.position};
  }

  // 2. Walk the trusted bytes after the last index entry, then check the rest in full.
  Offset expected = resume.offset;
  uint64_t good_end = resume.position;
  // Returns OK at `to`, a kCorruptData status at the first bad batch (good_end stays before
  // it), or any other status for an I/O error.
  auto walk = [&](uint64_t from, uint64_t to, BatchScanner::Check check) -> Status {
    BatchScanner scanner(*file_, from, to, check);
    while (true) {
      CAUDAL_ASSIGN_OR_RETURN(std::optional<ScannedBatch> next, scanner.next());
      if (!next) return Status();
      if (next->header.base_offset != expected.value()) {
        return Status(
            Errc::kCorruptData,
            fmt::format("{} byte {}: batch has base offset {}, expected {}", log_path_.string(),
                        next->position, next->header.base_offset, expected.value()));
      }
      index_.add_batch(expected, next->position, next->header.max_timestamp);
      expected = Offset(next->header.last_offset() + 1);
      good_end = next->position + next->header.total_size();
    }
  };
  auto is_damage = [](const Status& s) { return s.code() == make_error_code(Errc::kCorruptData); };

  Status damage = walk(good_end, trusted_end, BatchScanner::Check::kFraming);
  if (!damage.ok() && !is_damage(damage)) return damage;
  bool trusted_part_damaged = !damage.ok();
  uint64_t trusted_good_end = good_end;
  Offset trusted_next_offset = expected;
  if (!trusted_part_damaged && good_end < file_size) {
    damage = walk(good_end, file_size, BatchScanner::Check::kFull);
    if (!damage.ok() && !is_damage(damage)) return damage;
  }
  uint64_t valid = good_end;
  if (trusted_part_damaged && !cut_damage) {
    // Keep the bytes: reads that reach the damage report it with its offsets.
    result.damaged_at = good_end;
    result.damage = damage.message();
    valid = file_size;
  } else if (!damage.ok()) {
    result.cut_bytes = file_size - good_end;
    result.cut_reason = damage.message();
    CAUDAL_RETURN_IF_ERROR(file_->truncate(good_end));
  }

  // Rebuilt: the file disagreed with the log, or had nothing while the log needs entries.
  result.index_rebuilt = kept * SegmentIndex::kEntrySize != index_bytes.size() ||
                         (kept == 0 && index_.entry_count() > 0);
  result.valid_size = valid;
  written_size_ = valid;
  // Only the bytes the recovery point vouched for are known to be on disk.
  synced_size_ = trusted_good_end;
  synced_next_offset_ = trusted_next_offset;
  committed_size_.store(valid, std::memory_order_release);
  next_offset_ = expected;

  // Recovery wrote what the index file lacked; losing those writes only costs another
  // rebuild, so the index counts as sealed until new batches are committed.
  index_sealed_ = true;
  // The index file now holds exactly the entries kept plus those just rebuilt.
  CAUDAL_RETURN_IF_ERROR(index_file_->truncate(kept * SegmentIndex::kEntrySize));
  CAUDAL_RETURN_IF_ERROR(index_.write_new_entries(*index_file_));
  return result;
}

}  // namespace caudal::log
