// Hands out the producer ids of InitProducerId, never the same one twice for the life of the
// data directory, across crashes included. Ids are reserved in blocks: the end of the reserved
// range is persisted (atomically replaced, fsynced) before any id of a new block is handed out,
// and an open starts after the persisted end, so a crash skips at most the rest of one block and
// never reuses an id. File format: docs/kafka-protocol.md §Idempotent producers.
//
// Thread-safety: allocate() may be called from any thread (a mutex). It writes and fsyncs the
// file once per kBlockSize ids, on the calling thread (an event loop): about a millisecond per
// thousand producers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include "common/file_system.h"
#include "common/result.h"

namespace caudal::kafka {

class ProducerIdAllocator {
 public:
  static constexpr int64_t kBlockSize = 1000;

  // Reads `path` (missing: a new data directory, ids start at 0). Its directory must exist.
  // caudal::Errc::kMalformed when the file is not one this class wrote (the message names it:
  // refusing beats risking a reused id), kIo when it cannot be read. `fs` must outlive this.
  static Result<std::unique_ptr<ProducerIdAllocator>> open(FileSystem& fs,
                                                           std::filesystem::path path);

  // A producer id never handed out before. kIo when the reservation of a new block could not
  // be persisted (nothing is handed out then; the next call tries again).
  Result<int64_t> allocate();

 private:
  ProducerIdAllocator(FileSystem& fs, std::filesystem::path path, int64_t next);

  FileSystem& fs_;
  std::filesystem::path path_;
  std::mutex mutex_;
  int64_t next_;          // the next id to hand out
  int64_t reserved_end_;  // ids below it are reserved on disk
};

}  // namespace caudal::kafka
