#include "kafka/idempotence/producer_id_allocator.h"

#include <charconv>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "common/errc.h"

namespace caudal::kafka {
namespace {

constexpr std::string_view kPrefix = "reserved_end=";

Result<int64_t> parse(ByteView bytes, const std::filesystem::path& path) {
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  int64_t end = -1;
  bool ok = text.starts_with(kPrefix) && text.ends_with('\n');
  if (ok) {
    std::string_view digits = text.substr(kPrefix.size(), text.size() - kPrefix.size() - 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), end);
    ok = ec == std::errc() && ptr == digits.data() + digits.size() && end >= 0;
  }
  if (!ok) {
    return Status(Errc::kMalformed,
                  fmt::format("{}: not a producer id reservation (expected one line "
                              "\"reserved_end=<n>\"); refusing to start rather than risk handing "
                              "out a producer id twice",
                              path.string()));
  }
  return end;
}

}  // namespace

Result<std::unique_ptr<ProducerIdAllocator>> ProducerIdAllocator::open(FileSystem& fs,
                                                                       std::filesystem::path path) {
  int64_t next = 0;
  auto bytes = read_whole_file(fs, path);
  if (bytes.ok()) {
    CAUDAL_ASSIGN_OR_RETURN(next, parse(*bytes, path));
  } else if (bytes.status().code() != std::errc::no_such_file_or_directory) {
    return Status(Errc::kIo,
                  fmt::format("cannot read {}: {}", path.string(), bytes.status().message()));
  }
  return std::unique_ptr<ProducerIdAllocator>(new ProducerIdAllocator(fs, std::move(path), next));
}

ProducerIdAllocator::ProducerIdAllocator(FileSystem& fs, std::filesystem::path path, int64_t next)
    : fs_(fs), path_(std::move(path)), next_(next), reserved_end_(next) {}

Result<int64_t> ProducerIdAllocator::allocate() {
  std::lock_guard lock(mutex_);
  if (next_ == reserved_end_) {
    if (reserved_end_ > std::numeric_limits<int64_t>::max() - kBlockSize) {
      return Status(Errc::kOutOfRange, "every producer id has been handed out");
    }
    int64_t end = reserved_end_ + kBlockSize;
    std::string line = fmt::format("{}{}\n", kPrefix, end);
    Status written = write_file_atomically(
        fs_, path_, ByteView(reinterpret_cast<const uint8_t*>(line.data()), line.size()));
    if (!written.ok()) {
      return Status(Errc::kIo, fmt::format("cannot reserve producer ids in {}: {}", path_.string(),
                                           written.message()));
    }
    reserved_end_ = end;
  }
  return next_++;
}

}  // namespace caudal::kafka
