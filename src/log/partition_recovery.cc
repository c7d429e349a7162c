#include "log/partition_recovery.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "log/errc.h"

namespace caudal::log {
namespace {

bool is_not_found(const Status& s) {
  return s.code() == std::errc::no_such_file_or_directory;
}

// Reads the recovery point; nullopt (with a note) when it is missing or unreadable, in which
// case every segment is checked in full.
Result<std::optional<RecoveryPoint>> read_recovery_point(FileSystem& fs,
                                                         const std::filesystem::path& dir,
                                                         bool has_segments,
                                                         std::vector<std::string>& notes) {
  auto bytes = read_whole_file(fs, dir / RecoveryPoint::kFileName);
  if (!bytes.ok()) {
    if (!is_not_found(bytes.status())) return bytes.status();
    if (has_segments) notes.push_back("no recovery point: checking every segment in full");
    return std::optional<RecoveryPoint>();
  }
  auto point = RecoveryPoint::decode(*bytes);
  if (!point.ok()) {
    notes.push_back(fmt::format("recovery point unreadable ({}): checking every segment in full",
                                point.status().message()));
    return std::optional<RecoveryPoint>();
  }
  return std::optional<RecoveryPoint>(*point);
}

}  // namespace

Status write_recovery_point(FileSystem& fs, const std::filesystem::path& dir,
                            const RecoveryPoint& point) {
  Bytes bytes = point.encode();
  return write_file_atomically(fs, dir / RecoveryPoint::kFileName, bytes);
}

Result<RecoveredPartition> recover_partition(FileSystem& fs, const std::filesystem::path& dir,
                                             uint32_t index_interval_bytes,
                                             std::chrono::system_clock::time_point now) {
  RecoveredPartition out;
  CAUDAL_RETURN_IF_ERROR(fs.create_directories(dir));
  CAUDAL_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.list_directory(dir));

  // Segment files, and leftovers of interrupted work: temporary files of an atomic write, and
  // index files whose segment is gone (deleted by retention halfway).
  std::vector<Offset> bases;
  for (const std::string& name : names) {
    if (auto base = Segment::parse_log_file_name(name)) bases.push_back(*base);
  }
  std::sort(bases.begin(), bases.end());
  bool dir_changed = false;
  for (const std::string& name : names) {
    bool stale_tmp = name.ends_with(".tmp");
    bool orphan_index = false;
    if (name.ends_with(".index")) {
      std::string log_name = name.substr(0, name.size() - 6) + ".log";
      orphan_index =
          !Segment::parse_log_file_name(log_name) ||
          !std::binary_search(bases.begin(), bases.end(), *Segment::parse_log_file_name(log_name));
    }
    if (stale_tmp || orphan_index) {
      CAUDAL_RETURN_IF_ERROR(fs.remove_file(dir / name));
      dir_changed = true;
    }
  }

  CAUDAL_ASSIGN_OR_RETURN(std::optional<RecoveryPoint> point,
                          read_recovery_point(fs, dir, !bases.empty(), out.notes));
  if (point && !point->clean_shutdown && !bases.empty()) {
    out.notes.push_back(fmt::format(
        "not shut down cleanly: checking the log after offset {} (segment {}, byte {})",
        point->next_offset.value(), Segment::log_file_name(point->segment_base), point->position));
  }

  bool previous_damaged = false;
  for (size_t i = 0; i < bases.size(); ++i) {
    Offset base = bases[i];
    bool last = i + 1 == bases.size();
    CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<Segment> segment,
                            Segment::open(fs, dir, base, index_interval_bytes, now));
    // Which bytes the recovery point vouches for.
    uint64_t trusted_end = 0;
    if (point) {
      if (base < point->segment_base) {
        trusted_end = std::numeric_limits<uint64_t>::max();
      } else if (base == point->segment_base) {
        trusted_end = point->position;
        CAUDAL_ASSIGN_OR_RETURN(uint64_t size, segment->file()->size());
        if (size < trusted_end) {
          // Durable bytes vanished (the file was cut by hand, or the disk lied): trust nothing.
          out.notes.push_back(fmt::format(
              "{}: {} bytes, shorter than the {} the recovery point vouches for; checking it in "
              "full",
              Segment::log_file_name(base), size, trusted_end));
          trusted_end = 0;
        }
      }
    }
    // A segment must start where the previous one ended; one that does not (it follows a cut
    // tail) holds nothing that can be served, and neither does anything after it. After a
    // segment damaged at rest the end is unknown, so the next one is taken as it is.
    if (!out.segments.empty() && !previous_damaged && out.segments.back()->next_offset() != base) {
      out.notes.push_back(
          fmt::format("removed {} segment(s) from {} on: they do not follow on from offset {}",
                      bases.size() - i, Segment::log_file_name(base),
                      out.segments.back()->next_offset().value()));
      CAUDAL_RETURN_IF_ERROR(segment->remove_files());
      for (size_t j = i + 1; j < bases.size(); ++j) {
        CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<Segment> later,
                                Segment::open(fs, dir, bases[j], index_interval_bytes, now));
        CAUDAL_RETURN_IF_ERROR(later->remove_files());
      }
      dir_changed = true;
      break;
    }
    CAUDAL_ASSIGN_OR_RETURN(SegmentRecovery r, segment->recover(trusted_end, last));
    uint64_t checked_from = std::min<uint64_t>(trusted_end, r.valid_size + r.cut_bytes);
    out.bytes_checked += r.valid_size + r.cut_bytes - checked_from;
    if (r.index_rebuilt) {
      out.notes.push_back(
          fmt::format("{}: index missing or inconsistent, rebuilt", Segment::log_file_name(base)));
    }
    previous_damaged = r.damaged_at.has_value();
    if (r.damaged_at) {
      out.notes.push_back(fmt::format("{}: damaged at byte {} ({}); reads that reach it fail",
                                      Segment::log_file_name(base), *r.damaged_at, r.damage));
    }
    if (r.cut_bytes > 0) {
      out.notes.push_back(fmt::format("{}: cut {} bytes at byte {}: {}",
                                      Segment::log_file_name(base), r.cut_bytes, r.valid_size,
                                      r.cut_reason));
    }
    out.segments.push_back(std::move(segment));
  }

  if (out.segments.empty()) {
    CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<Segment> first,
                            Segment::create(fs, dir, Offset(0), index_interval_bytes, now));
    out.segments.push_back(std::move(first));
    dir_changed = true;
  }

  // What was checked after the old recovery point may still sit only in the page cache: make
  // it durable before a new recovery point vouches for it.
  for (const auto& segment : out.segments) {
    if (segment->synced_size() < segment->written_size()) {
      CAUDAL_RETURN_IF_ERROR(segment->file()->sync());
      segment->mark_synced(segment->written_size(), segment->next_offset());
    }
  }
  if (dir_changed) CAUDAL_RETURN_IF_ERROR(fs.sync_directory(dir));
  const Segment& active = *out.segments.back();
  RecoveryPoint end{active.base_offset(), active.written_size(), active.next_offset(), false};
  CAUDAL_RETURN_IF_ERROR(write_recovery_point(fs, dir, end));
  return out;
}

}  // namespace caudal::log
