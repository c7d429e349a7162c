// A FileSystem for tests that forwards to a real one and injects the failures storage code
// must survive: a full disk (writes fail with ENOSPC once a byte budget is spent, after writing
// the prefix that still fits, as a real full disk does) and failing fsyncs. It also counts and
// can hold back syncs, so tests can check that a group commit shares one fdatasync among many
// appends.
//
// Thread-safe: the knobs may be turned from the test thread while storage threads do I/O.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <system_error>

#include "common/file_system.h"

namespace caudal {

class FaultInjectingFileSystem final : public FileSystem {
 public:
  // `base` must outlive this object and every File it opens.
  explicit FaultInjectingFileSystem(FileSystem& base) : base_(base) {}

  // From now on at most `bytes` more bytes may be written (over all files) before writes fail
  // with ENOSPC; nullopt lifts the limit ("space returns").
  void set_write_budget(std::optional<uint64_t> bytes);
  // Every sync (files and directories) fails with `error` until cleared with an empty code.
  void set_sync_error(std::error_code error);

  // Runs `hook` at the start of every sync (files and directories), on the syncing thread;
  // lets a test hold a sync back to see what piles up behind it. Empty to remove.
  void set_sync_hook(std::function<void(const std::filesystem::path&)> hook);

  uint64_t sync_count() const { return sync_count_.load(); }
  uint64_t bytes_written() const { return bytes_written_.load(); }

  Result<std::unique_ptr<File>> open(const std::filesystem::path& path, OpenMode mode) override;
  Status create_directories(const std::filesystem::path& path) override;
  Result<std::vector<std::string>> list_directory(const std::filesystem::path& path) override;
  Result<FileInfo> stat(const std::filesystem::path& path) override;
  Status remove_file(const std::filesystem::path& path) override;
  Status remove_all(const std::filesystem::path& path) override;
  Status rename(const std::filesystem::path& from, const std::filesystem::path& to) override;
  Status sync_directory(const std::filesystem::path& path) override;

 private:
  class FaultyFile;

  // How many of `wanted` bytes may be written now; takes them from the budget.
  uint64_t reserve_write(uint64_t wanted);
  Status sync_fault(const std::filesystem::path& path);

  FileSystem& base_;
  std::mutex mutex_;
  std::optional<uint64_t> write_budget_;
  std::error_code sync_error_;
  std::function<void(const std::filesystem::path&)> sync_hook_;
  std::atomic<uint64_t> sync_count_{0};
  std::atomic<uint64_t> bytes_written_{0};
};

}  // namespace caudal
