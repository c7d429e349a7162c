#include "pipeline/connectors/file/file_connector.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/connectors/errc.h"

namespace caudal::pipeline::connectors {
namespace {

namespace fs = std::filesystem;

Status io_error(std::string_view what, const fs::path& path) {
  return Status(ConnectorErrc::kIo, fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

Status fsync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("opening", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("syncing", path);
  return Status();
}

constexpr size_t kCompressChunk = size_t{1} << 20;

class FileTransport final : public Transport {
 public:
  FileTransport(const ConnectorOptions& options, std::string label)
      : dir_(options.text("dir")),
        prefix_(options.text("prefix")),
        max_bytes_(options.number("max_bytes")),
        max_age_(options.duration("max_age")),
        level_(static_cast<int>(options.number("level"))),
        label_(std::move(label)),
        cctx_(ZSTD_createCCtx()) {}

  ~FileTransport() override {
    discard();
    ZSTD_freeCCtx(cctx_);
  }

  // Creates the directory and removes temp files a crash left.
  Status prepare() {
    std::error_code error;
    fs::create_directories(dir_, error);
    if (error) return Status(ConnectorErrc::kIo, fmt::format("creating {}: {}", dir_.string(), error.message()));
    for (auto it = fs::recursive_directory_iterator(dir_, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (it->is_regular_file() && name.starts_with(".") && name.ends_with(".tmp")) {
        spdlog::info("sink {}: removing {}, left unfinished by an earlier run", label_, it->path().string());
        fs::remove(it->path(), error);
      }
    }
    if (error) return Status(ConnectorErrc::kIo, fmt::format("scanning {}: {}", dir_.string(), error.message()));
    return Status();
  }

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    for (size_t i = 0; i < records.size(); ++i) {
      // Size per event; the clocks once per delivery (they cost more than an event's copy).
      if (fd_ >= 0 && (raw_bytes_ >= max_bytes_ || (i == 0 && rotation_due()))) {
        if (Status done = complete(); !done.ok()) return lost(std::move(done));
      }
      if (fd_ < 0) {
        if (Status opened = open_file(); !opened.ok()) {
          report.status = std::move(opened);
          report.held = held_;
          return report;
        }
      }
      const std::string_view value = records[i].value();
      pending_.append(value);
      pending_.push_back('\n');
      raw_bytes_ += value.size() + 1;
      ++held_;
      report.done = i + 1;
      // Lines go to zstd in chunks: one call per line costs more than compressing it.
      if (pending_.size() >= kCompressChunk) {
        if (Status written = compress_pending(ZSTD_e_continue); !written.ok()) return lost(std::move(written));
      }
    }
    if (fd_ >= 0 && raw_bytes_ >= max_bytes_) {
      if (Status done = complete(); !done.ok()) return lost(std::move(done));
    }
    report.held = held_;
    return report;
  }

  size_t poll(bool complete_now) override {
    if (fd_ >= 0 && (complete_now || rotation_due())) {
      if (Status done = complete(); !done.ok()) {
        spdlog::warn("sink {}: {}", label_, done.message());
        discard();
      }
    }
    return held_;
  }

  Status close() override {
    if (fd_ < 0) return Status();
    Status done = complete();
    if (!done.ok()) discard();
    return done;
  }

 private:
  static std::string hour_of(std::chrono::system_clock::time_point t) {
    return fmt::format("{:%Y/%m/%d/%H}", std::chrono::floor<std::chrono::seconds>(t));
  }

  bool rotation_due() const {
    return raw_bytes_ >= max_bytes_ || std::chrono::steady_clock::now() - opened_at_ >= max_age_ ||
           std::chrono::system_clock::now() >= hour_end_;
  }

  Status open_file() {
    const auto now = std::chrono::system_clock::now();
    hour_end_ = std::chrono::floor<std::chrono::hours>(now) + std::chrono::hours(1);
    const fs::path hour_dir = dir_ / hour_of(now);
    std::error_code error;
    fs::create_directories(hour_dir, error);
    if (error) return Status(ConnectorErrc::kIo, fmt::format("creating {}: {}", hour_dir.string(), error.message()));
    const std::string stamp = fmt::format("{:%Y%m%dT%H%M%SZ}", std::chrono::floor<std::chrono::seconds>(now));
    do {
      final_path_ = hour_dir / fmt::format("{}-{}-{:04}.ndjson.zst", prefix_, stamp, ++sequence_);
    } while (fs::exists(final_path_));
    temp_path_ = hour_dir / ("." + final_path_.filename().string() + ".tmp");
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return io_error("creating", temp_path_);
    ZSTD_CCtx_reset(cctx_, ZSTD_reset_session_only);
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level_);
    // Compression runs on zstd's own worker thread, beside this delivery thread, which keeps
    // gathering and copying events meanwhile. A libzstd built without threads refuses it and
    // compresses here instead: the same frames either way.
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, 1);
    opened_at_ = std::chrono::steady_clock::now();
    raw_bytes_ = 0;
    return Status();
  }

  // Compresses the lines gathered in pending_ (`mode` ZSTD_e_end: and ends the frame).
  Status compress_pending(ZSTD_EndDirective mode) {
    Status status = compress(pending_, mode);
    pending_.clear();
    return status;
  }

  Status compress(std::string_view input, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    out_.resize(ZSTD_CStreamOutSize());
    while (true) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      const size_t left = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(left)) {
        return Status(ConnectorErrc::kIo, fmt::format("compressing {}: {}", temp_path_.string(), ZSTD_getErrorName(left)));
      }
      CAUDAL_RETURN_IF_ERROR(write_all(out_.data(), out.pos));
      const bool finished = mode == ZSTD_e_continue ? in.pos == in.size : left == 0;
      if (finished) return Status();
    }
  }

  Status write_all(const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return io_error("writing", temp_path_);
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return Status();
  }

  // Finishes the open file and makes it visible under its final name.
  Status complete() {
    CAUDAL_RETURN_IF_ERROR(compress_pending(ZSTD_e_end));
    if (::fsync(fd_) != 0) return io_error("syncing", temp_path_);
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) return io_error("renaming", temp_path_);
    CAUDAL_RETURN_IF_ERROR(fsync_path(final_path_.parent_path()));
    held_ = 0;
    return Status();
  }

  // The open file failed: it is removed, and its events are given back.
  DeliveryReport lost(Status why) {
    discard();
    DeliveryReport report;
    report.status = std::move(why);
    report.dropped_held = true;
    return report;
  }

  void discard() {
    pending_.clear();
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    std::error_code ignored;
    fs::remove(temp_path_, ignored);
    held_ = 0;
  }

  fs::path dir_;
  std::string prefix_;
  uint64_t max_bytes_;
  Duration max_age_;
  int level_;
  std::string label_;
  ZSTD_CCtx* cctx_;
  int fd_ = -1;
  fs::path temp_path_, final_path_;
  std::chrono::system_clock::time_point hour_end_;  // the open file's hour ends here
  std::chrono::steady_clock::time_point opened_at_;
  uint64_t raw_bytes_ = 0;
  size_t held_ = 0;
  uint32_t sequence_ = 0;
  std::string pending_;  // lines of the open file not given to zstd yet
  std::string out_;      // scratch
};

}  // namespace

const ConnectorDescriptor& file_connector() {
  static const ConnectorDescriptor descriptor{
      "file",
      "NDJSON files, zstd-compressed, by date and hour",
      {
          {"dir", OptionType::kText, "", "the directory the dated folders go in", {}, false},
          {"prefix", OptionType::kText, "events", "the start of each file's name", {}, false},
          {"max_bytes", OptionType::kSize, "64MiB", "a file is completed once it holds this much NDJSON (uncompressed)", {}, false},
          {"max_age", OptionType::kDuration, "10m", "a file is completed once it has been open this long", {}, false},
          {"level", OptionType::kInteger, "3", "the zstd compression level (1-19)", {}, false},
      },
      [](const ConnectorOptions& options, std::vector<std::string>& problems) {
        const uint64_t level = options.number("level");
        if (level < 1 || level > 19) problems.push_back(fmt::format("level: expected 1 to 19, found {}", level));
      },
      10000,
      "1s",
      [](const TransportArgs& args) -> Result<std::unique_ptr<Transport>> {
        auto transport = std::make_unique<FileTransport>(args.options, std::string(args.label));
        CAUDAL_RETURN_IF_ERROR(transport->prepare());
        return std::unique_ptr<Transport>(std::move(transport));
      },
      // Its events are acknowledged only once their file is complete: a file also completes
      // when it holds this many, below a pipeline's default max_in_flight (65536).
      50000,
  };
  return descriptor;
}

}  // namespace caudal::pipeline::connectors
