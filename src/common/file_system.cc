#include "common/file_system.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/uio.h>

namespace caudal {
namespace {

Status errno_status(int error, std::string_view operation, const std::filesystem::path& path) {
  return Status(std::error_code(error, std::generic_category()),
                fmt::format("{} {}: {}", operation, path.string(), std::strerror(error)));
}

Status errno_status_at(int error, std::string_view operation, const std::filesystem::path& path,
                       uint64_t position) {
  return Status(std::error_code(error, std::generic_category()),
                fmt::format("{} {} at byte {}: {}", operation, path.string(), position,
                            std::strerror(error)));
}

class PosixFile final : public File {
 public:
  PosixFile(std::filesystem::path path, int fd) : File(std::move(path)), fd_(fd) {}
  ~PosixFile() override { ::close(fd_); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Result<size_t> read_at(uint64_t position, std::span<uint8_t> out) const override {
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(position + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status_at(errno, "read", path(), position + done);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Status write_gather_at(uint64_t position, std::span<const ByteView> parts) override {
    // pwritev may stop early (a signal, a nearly full disk); resume after what was written.
    constexpr size_t kMaxParts = 64;
    iovec iov[kMaxParts];
    size_t first = 0;
    size_t skip = 0;  // bytes of parts[first] already written
    uint64_t at = position;
    while (first < parts.size()) {
      size_t count = 0;
      for (size_t i = first; i < parts.size() && count < kMaxParts; ++i, ++count) {
        size_t offset = i == first ? skip : 0;
        iov[count].iov_base = const_cast<uint8_t*>(parts[i].data() + offset);
        iov[count].iov_len = parts[i].size() - offset;
      }
      ssize_t n = ::pwritev(fd_, iov, static_cast<int>(count), static_cast<off_t>(at));
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status_at(errno, "write", path(), at);
      }
      at += static_cast<uint64_t>(n);
      size_t left = static_cast<size_t>(n);
      while (first < parts.size() && left >= parts[first].size() - skip) {
        left -= parts[first].size() - skip;
        skip = 0;
        ++first;
      }
      skip += left;
    }
    return Status();
  }

  Status sync() override {
    if (::fdatasync(fd_) != 0) return errno_status(errno, "fdatasync", path());
    return Status();
  }

  Status truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return errno_status_at(errno, "truncate", path(), size);
    }
    return Status();
  }

  Result<uint64_t> size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return errno_status(errno, "fstat", path());
    return static_cast<uint64_t>(st.st_size);
  }

  int native_handle() const override { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<File>> PosixFileSystem::open(const std::filesystem::path& path,
                                                    OpenMode mode) {
  int flags = O_CLOEXEC;
  switch (mode) {
    case OpenMode::kRead: flags |= O_RDONLY; break;
    case OpenMode::kReadWrite: flags |= O_RDWR | O_CREAT; break;
    case OpenMode::kCreateExclusive: flags |= O_RDWR | O_CREAT | O_EXCL; break;
  }
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return errno_status(errno, "open", path);
  return std::unique_ptr<File>(std::make_unique<PosixFile>(path, fd));
}

Status PosixFileSystem::create_directories(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return Status(ec, fmt::format("create directory {}: {}", path.string(), ec.message()));
  }
  return Status();
}

Result<std::vector<std::string>> PosixFileSystem::list_directory(
    const std::filesystem::path& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return errno_status(errno, "list directory", path);
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int error = errno;
  ::closedir(dir);
  if (error != 0) return errno_status(error, "list directory", path);
  std::sort(names.begin(), names.end());
  return names;
}

Result<FileInfo> PosixFileSystem::stat(const std::filesystem::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return errno_status(errno, "stat", path);
  FileInfo info;
  info.size = static_cast<uint64_t>(st.st_size);
  info.is_directory = S_ISDIR(st.st_mode);
  info.modified = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  return info;
}

Status PosixFileSystem::remove_file(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0) return errno_status(errno, "remove", path);
  return Status();
}

Status PosixFileSystem::remove_all(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Status(ec, fmt::format("remove {}: {}", path.string(), ec.message()));
  return Status();
}

Status PosixFileSystem::rename(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    int error = errno;
    return Status(
        std::error_code(error, std::generic_category()),
        fmt::format("rename {} to {}: {}", from.string(), to.string(), std::strerror(error)));
  }
  return Status();
}

Status PosixFileSystem::sync_directory(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_status(errno, "open directory", path);
  int rc = ::fsync(fd);
  int error = errno;
  ::close(fd);
  if (rc != 0) return errno_status(error, "fsync directory", path);
  return Status();
}

PosixFileSystem& PosixFileSystem::instance() {
  static PosixFileSystem fs;
  return fs;
}

Status write_file_atomically(FileSystem& fs, const std::filesystem::path& path, ByteView data) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs.open(tmp, OpenMode::kReadWrite));
    CAUDAL_RETURN_IF_ERROR(file->truncate(0));
    CAUDAL_RETURN_IF_ERROR(file->write_at(0, data));
    CAUDAL_RETURN_IF_ERROR(file->sync());
  }
  CAUDAL_RETURN_IF_ERROR(fs.rename(tmp, path));
  return fs.sync_directory(path.parent_path());
}

Result<Bytes> read_whole_file(FileSystem& fs, const std::filesystem::path& path) {
  CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs.open(path, OpenMode::kRead));
  CAUDAL_ASSIGN_OR_RETURN(uint64_t size, file->size());
  Bytes data(size);
  CAUDAL_ASSIGN_OR_RETURN(size_t n, file->read_at(0, data));
  data.resize(n);
  return data;
}

}  // namespace caudal
