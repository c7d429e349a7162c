// Opening a partition directory after a clean shutdown or a crash: the recovery rules of
// docs/log-format.md §Recovery. Only the bytes after the persisted recovery point are checked
// batch by batch (so a large log opens in seconds); a torn or corrupt tail is cut, never
// served; indexes that are missing or inconsistent are rebuilt.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/file_system.h"
#include "common/result.h"
#include "log/recovery_point.h"
#include "log/segment.h"

namespace caudal::log {

struct RecoveredPartition {
  // At least one segment, in offset order, each starting where the previous one ends (except
  // after a segment damaged at rest, whose end is unknown). The last one is the active segment.
  std::vector<std::shared_ptr<Segment>> segments;
  // One line per thing recovery did or found that an operator should know about (a cut tail,
  // a rebuilt index, damage at rest, an unclean shutdown), without topic and partition.
  std::vector<std::string> notes;
  // Bytes checked batch by batch because they lay after the recovery point.
  uint64_t bytes_checked = 0;
};

// Brings `dir` (created if missing) to a consistent state and returns its segments. Everything
// it returns is durable: checked bytes are fsynced, and a new recovery point at the log end is
// persisted before it returns, marked as not cleanly shut down.
Result<RecoveredPartition> recover_partition(FileSystem& fs, const std::filesystem::path& dir,
                                             uint32_t index_interval_bytes,
                                             std::chrono::system_clock::time_point now);

// Persists `point` in `dir` (atomically replaced).
Status write_recovery_point(FileSystem& fs, const std::filesystem::path& dir,
                            const RecoveryPoint& point);

}  // namespace caudal::log
