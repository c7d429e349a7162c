// DataDir: the data directory, created if missing and locked for the life of the process, so
// two Caudal processes can never write the same log. The lock is an flock on data_dir/LOCK,
// released by the kernel if the process dies.
#pragma once

#include <filesystem>
#include <memory>

#include "common/result.h"

namespace caudal::server {

class DataDir {
 public:
  static Result<std::unique_ptr<DataDir>> open(const std::filesystem::path& path);
  ~DataDir();

  const std::filesystem::path& path() const { return path_; }
  // Free bytes on the file system holding the directory.
  Result<uint64_t> free_bytes() const;

 private:
  DataDir(std::filesystem::path path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::filesystem::path path_;
  int lock_fd_;
};

}  // namespace caudal::server
