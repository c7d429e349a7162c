// Files and directories behind an interface, so storage code (the log, the search index) can be
// driven by a fault-injecting file system in tests (disk full, failing fsync) and crash and
// recovery tests stay deterministic. Production code takes a FileSystem& and never calls
// open(2) or std::filesystem itself.
//
// Errors: every failure is a Status whose code is the errno value in std::generic_category()
// (so `status.code() == std::errc::no_space_on_device` works) and whose message names the
// operation, the path and, for positional I/O, the position.
//
// Thread-safety: a FileSystem may be used from any thread. A File allows concurrent read_at()
// calls from any number of threads alongside one writer (write_at/sync/truncate); two writers
// on one File must be serialized by the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace caudal {

class File {
 public:
  virtual ~File() = default;

  // Reads up to out.size() bytes at `position` and returns how many were read: fewer only when
  // the end of the file comes first.
  virtual Result<size_t> read_at(uint64_t position, std::span<uint8_t> out) const = 0;
  // Writes all of `parts`, one after another, at `position` (pwritev), growing the file as
  // needed. On failure a prefix may have been written; the caller decides whether to truncate
  // it away.
  virtual Status write_gather_at(uint64_t position, std::span<const ByteView> parts) = 0;
  Status write_at(uint64_t position, ByteView data) {
    return write_gather_at(position, std::span<const ByteView>(&data, 1));
  }
  // fdatasync: after it returns OK, everything written before the call survives a power loss.
  virtual Status sync() = 0;
  virtual Status truncate(uint64_t size) = 0;
  virtual Result<uint64_t> size() const = 0;
  // The operating-system descriptor, for sendfile(2); -1 when the file has none. Valid as long
  // as this File object lives.
  virtual int native_handle() const = 0;

  const std::filesystem::path& path() const { return path_; }

 protected:
  explicit File(std::filesystem::path path) : path_(std::move(path)) {}

 private:
  std::filesystem::path path_;
};

enum class OpenMode {
  kRead,             // existing file, read only
  kReadWrite,        // existing file, or a new empty one
  kCreateExclusive,  // a new empty file; fails with file_exists if one is there
};

struct FileInfo {
  uint64_t size = 0;
  bool is_directory = false;
  std::chrono::system_clock::time_point modified;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<File>> open(const std::filesystem::path& path, OpenMode mode) = 0;
  // Creates the directory and any missing parents; OK if it already exists.
  virtual Status create_directories(const std::filesystem::path& path) = 0;
  // Entry names (not paths) of a directory, sorted, without "." and "..".
  virtual Result<std::vector<std::string>> list_directory(const std::filesystem::path& path) = 0;
  // not_found (std::errc::no_such_file_or_directory) when nothing is there.
  virtual Result<FileInfo> stat(const std::filesystem::path& path) = 0;
  virtual Status remove_file(const std::filesystem::path& path) = 0;
  // Removes a directory tree; OK if nothing is there.
  virtual Status remove_all(const std::filesystem::path& path) = 0;
  // rename(2): atomic replacement of `to` when both are on one file system.
  virtual Status rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  // fsync of a directory, so entries created, renamed or removed in it survive a power loss.
  virtual Status sync_directory(const std::filesystem::path& path) = 0;

  bool exists(const std::filesystem::path& path) { return stat(path).ok(); }
};

// The real file system. Stateless and thread-safe; one shared instance is enough.
class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<File>> open(const std::filesystem::path& path, OpenMode mode) override;
  Status create_directories(const std::filesystem::path& path) override;
  Result<std::vector<std::string>> list_directory(const std::filesystem::path& path) override;
  Result<FileInfo> stat(const std::filesystem::path& path) override;
  Status remove_file(const std::filesystem::path& path) override;
  Status remove_all(const std::filesystem::path& path) override;
  Status rename(const std::filesystem::path& from, const std::filesystem::path& to) override;
  Status sync_directory(const std::filesystem::path& path) override;

  static PosixFileSystem& instance();
};

// Replaces `path` with `data` so that after a crash the file holds either the old content or
// the new one, never a mix: writes `<path>.tmp`, syncs it, renames it over `path` and syncs the
// directory. Durable when it returns OK.
Status write_file_atomically(FileSystem& fs, const std::filesystem::path& path, ByteView data);

// The whole content of a (small) file.
Result<Bytes> read_whole_file(FileSystem& fs, const std::filesystem::path& path);

}  // namespace caudal
