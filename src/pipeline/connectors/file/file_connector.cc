#include "pipeline/connectors/file/file_connector.h"

#include <zstd.h>

#include <chrono>
#include <filesystem>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pipeline/connectors/errc.h"

namespace caudal::pipeline::connectors {
namespace {

namespace fs = std::filesystem;

constexpr size_t kCompressChunk = size_t{1} << 20;

class FileTransport final : public Transport {
 public:
  FileTransport(const ConnectorOptions& options, std::string label, FileSystem& files)
      : files_(files),
        dir_(options.text("dir")),
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
    CAUDAL_RETURN_IF_ERROR(files_.create_directories(dir_));
    return remove_leftovers(dir_);
  }

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    for (size_t i = 0; i < records.size(); ++i) {
      // Size per event; the clocks once per delivery (they cost more than an event's copy).
      if (file_ != nullptr && (raw_bytes_ >= max_bytes_ || (i == 0 && rotation_due()))) {
        if (Status done = complete(); !done.ok()) return lost(std::move(done));
      }
      if (file_ == nullptr) {
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
    if (file_ != nullptr && raw_bytes_ >= max_bytes_) {
      if (Status done = complete(); !done.ok()) return lost(std::move(done));
    }
    report.held = held_;
    return report;
  }

  DeliveryReport poll(bool complete_now) override {
    if (file_ != nullptr && (complete_now || rotation_due())) {
      if (Status done = complete(); !done.ok()) return lost(std::move(done));
    }
    DeliveryReport report;
    report.held = held_;
    return report;
  }

  Status close() override {
    if (file_ == nullptr) return Status();
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
    CAUDAL_RETURN_IF_ERROR(files_.create_directories(hour_dir));
    const std::string stamp = fmt::format("{:%Y%m%dT%H%M%SZ}", std::chrono::floor<std::chrono::seconds>(now));
    do {
      final_path_ = hour_dir / fmt::format("{}-{}-{:04}.ndjson.zst", prefix_, stamp, ++sequence_);
    } while (files_.exists(final_path_));
    temp_path_ = hour_dir / ("." + final_path_.filename().string() + ".tmp");
    CAUDAL_ASSIGN_OR_RETURN(file_, files_.open(temp_path_, OpenMode::kReadWrite));
    position_ = 0;
    if (Status emptied = file_->truncate(0); !emptied.ok()) {
      discard();
      return emptied;
    }
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
    const ByteView part(reinterpret_cast<const uint8_t*>(data), size);
    CAUDAL_RETURN_IF_ERROR(file_->write_gather_at(position_, std::span<const ByteView>(&part, 1)));
    position_ += size;
    return Status();
  }

  // Finishes the open file and makes it visible under its final name, durably. On failure
  // nothing of it stays visible (the caller discards it).
  Status complete() {
    CAUDAL_RETURN_IF_ERROR(compress_pending(ZSTD_e_end));
    CAUDAL_RETURN_IF_ERROR(file_->sync());
    file_.reset();
    CAUDAL_RETURN_IF_ERROR(files_.rename(temp_path_, final_path_));
    temp_path_.clear();
    if (Status synced = files_.sync_directory(final_path_.parent_path()); !synced.ok()) {
      // The rename may not survive a crash: the events are written again in another file, and
      // this one goes, so they are not there twice.
      (void)files_.remove_file(final_path_);
      return synced;
    }
    held_ = 0;
    return Status();
  }

  // Removes the temp files under `dir` (recursively) that an earlier run left unfinished.
  Status remove_leftovers(const fs::path& dir) {
    CAUDAL_ASSIGN_OR_RETURN(std::vector<std::string> names, files_.list_directory(dir));
    for (const std::string& name : names) {
      const fs::path path = dir / name;
      CAUDAL_ASSIGN_OR_RETURN(FileInfo info, files_.stat(path));
      if (info.is_directory) {
        CAUDAL_RETURN_IF_ERROR(remove_leftovers(path));
      } else if (name.starts_with(".") && name.ends_with(".tmp")) {
        spdlog::info("sink {}: removing {}, left unfinished by an earlier run", label_, path.string());
        CAUDAL_RETURN_IF_ERROR(files_.remove_file(path));
      }
    }
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

  // Drops the open file (or the temp file a failed completion left) and what it held.
  void discard() {
    pending_.clear();
    file_.reset();
    if (!temp_path_.empty()) (void)files_.remove_file(temp_path_);
    temp_path_.clear();
    held_ = 0;
  }

  FileSystem& files_;
  fs::path dir_;
  std::string prefix_;
  uint64_t max_bytes_;
  Duration max_age_;
  int level_;
  std::string label_;
  ZSTD_CCtx* cctx_;
  std::unique_ptr<File> file_;  // the open temp file
  uint64_t position_ = 0;       // its size
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
        auto transport = std::make_unique<FileTransport>(args.options, std::string(args.label), *args.file_system);
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
