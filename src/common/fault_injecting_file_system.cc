#include "common/fault_injecting_file_system.h"

#include <algorithm>

#include <fmt/format.h>

namespace caudal {

class FaultInjectingFileSystem::FaultyFile final : public File {
 public:
  FaultyFile(FaultInjectingFileSystem& owner, std::unique_ptr<File> base)
      : File(base->path()), owner_(owner), base_(std::move(base)) {}

  Result<size_t> read_at(uint64_t position, std::span<uint8_t> out) const override {
    return base_->read_at(position, out);
  }

  Status write_gather_at(uint64_t position, std::span<const ByteView> parts) override {
    uint64_t wanted = 0;
    for (ByteView part : parts) wanted += part.size();
    uint64_t allowed = owner_.reserve_write(wanted);
    uint64_t at = position;
    for (ByteView part : parts) {
      if (allowed == 0) break;
      ByteView fits = part.first(std::min<uint64_t>(allowed, part.size()));
      CAUDAL_RETURN_IF_ERROR(base_->write_at(at, fits));
      at += fits.size();
      allowed -= fits.size();
    }
    if (at - position < wanted) {
      return Status(std::make_error_code(std::errc::no_space_on_device),
                    fmt::format("write {} at byte {}: No space left on device (injected)",
                                path().string(), at));
    }
    return Status();
  }

  Status sync() override {
    CAUDAL_RETURN_IF_ERROR(owner_.sync_fault(path()));
    return base_->sync();
  }
  Status truncate(uint64_t size) override { return base_->truncate(size); }
  Result<uint64_t> size() const override { return base_->size(); }
  int native_handle() const override { return base_->native_handle(); }

 private:
  FaultInjectingFileSystem& owner_;
  std::unique_ptr<File> base_;
};

void FaultInjectingFileSystem::set_write_budget(std::optional<uint64_t> bytes) {
  std::lock_guard lock(mutex_);
  write_budget_ = bytes;
}

void FaultInjectingFileSystem::set_sync_error(std::error_code error) {
  std::lock_guard lock(mutex_);
  sync_error_ = error;
}

uint64_t FaultInjectingFileSystem::reserve_write(uint64_t wanted) {
  std::lock_guard lock(mutex_);
  uint64_t allowed = wanted;
  if (write_budget_) {
    allowed = std::min(wanted, *write_budget_);
    *write_budget_ -= allowed;
  }
  bytes_written_.fetch_add(allowed);
  return allowed;
}

void FaultInjectingFileSystem::set_sync_hook(
    std::function<void(const std::filesystem::path&)> hook) {
  std::lock_guard lock(mutex_);
  sync_hook_ = std::move(hook);
}

Status FaultInjectingFileSystem::sync_fault(const std::filesystem::path& path) {
  sync_count_.fetch_add(1);
  std::function<void(const std::filesystem::path&)> hook;
  {
    std::lock_guard lock(mutex_);
    hook = sync_hook_;
  }
  if (hook) hook(path);
  std::lock_guard lock(mutex_);
  if (sync_error_) {
    return Status(sync_error_,
                  fmt::format("sync {}: {} (injected)", path.string(), sync_error_.message()));
  }
  return Status();
}

Result<std::unique_ptr<File>> FaultInjectingFileSystem::open(const std::filesystem::path& path,
                                                             OpenMode mode) {
  CAUDAL_ASSIGN_OR_RETURN(std::unique_ptr<File> file, base_.open(path, mode));
  return std::unique_ptr<File>(std::make_unique<FaultyFile>(*this, std::move(file)));
}

Status FaultInjectingFileSystem::create_directories(const std::filesystem::path& path) {
  return base_.create_directories(path);
}

Result<std::vector<std::string>> FaultInjectingFileSystem::list_directory(
    const std::filesystem::path& path) {
  return base_.list_directory(path);
}

Result<FileInfo> FaultInjectingFileSystem::stat(const std::filesystem::path& path) {
  return base_.stat(path);
}

Status FaultInjectingFileSystem::remove_file(const std::filesystem::path& path) {
  return base_.remove_file(path);
}

Status FaultInjectingFileSystem::remove_all(const std::filesystem::path& path) {
  return base_.remove_all(path);
}

Status FaultInjectingFileSystem::rename(const std::filesystem::path& from,
                                        const std::filesystem::path& to) {
  return base_.rename(from, to);
}

Status FaultInjectingFileSystem::sync_directory(const std::filesystem::path& path) {
  CAUDAL_RETURN_IF_ERROR(sync_fault(path));
  return base_.sync_directory(path);
}

}  // namespace caudal
