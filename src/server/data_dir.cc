#include "server/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/errc.h"

namespace caudal::server {

Result<std::unique_ptr<DataDir>> DataDir::open(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return Status(Errc::kIo, fmt::format("cannot create data directory {}: {}", path.string(),
                                         ec.message()));
  }
  std::filesystem::path lock_path = path / "LOCK";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status(Errc::kIo, fmt::format("cannot open {}: {}", lock_path.string(),
                                         std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status(Errc::kUnavailable,
                    fmt::format("data directory {} is in use by another Caudal process",
                                path.string()));
    }
    return Status(Errc::kIo, fmt::format("cannot lock {}: {}", lock_path.string(),
                                         std::strerror(err)));
  }
  return std::unique_ptr<DataDir>(new DataDir(path, fd));
}

DataDir::~DataDir() { ::close(lock_fd_); }

Result<uint64_t> DataDir::free_bytes() const {
  struct statvfs info {};
  if (::statvfs(path_.c_str(), &info) != 0) {
    return Status(Errc::kIo, fmt::format("statvfs {}: {}", path_.string(), std::strerror(errno)));
  }
  return static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
}

}  // namespace caudal::server
