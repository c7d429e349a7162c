// Shared by the storage benchmarks: a fresh Log in a scratch directory on the file system under
// test, and real v2 batches built with RecordBatchBuilder.
//
// Environment: CAUDAL_BENCH_DIR (default: the current directory) is where data goes, so that
// bench/log/append_vs_dd.sh can point dd at the same file system; CAUDAL_BENCH_MB (default
// 512) is how much each benchmark writes.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "common/check.h"
#include "log/log.h"
#include "log/record_batch_builder.h"

namespace caudal::log::bench {

inline uint64_t bench_bytes() {
  const char* mb = std::getenv("CAUDAL_BENCH_MB");
  return (mb != nullptr ? std::strtoull(mb, nullptr, 10) : 512) << 20;
}

// A Log over `<CAUDAL_BENCH_DIR>/<name>`, emptied first and removed afterwards.
class ScratchLog {
 public:
  explicit ScratchLog(const std::string& name) {
    const char* base = std::getenv("CAUDAL_BENCH_DIR");
    dir_ = std::filesystem::absolute(base != nullptr ? base : ".") / ("caudal-bench-" + name);
    std::filesystem::remove_all(dir_);
    LogOptions options;
    options.data_dir = dir_;
    options.retention_check_interval = Duration::zero();
    auto log = Log::open(options);
    CAUDAL_CHECK(log.ok(), log.status().to_string());
    log_ = std::move(*log);
  }
  ~ScratchLog() {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  ScratchLog(const ScratchLog&) = delete;
  ScratchLog& operator=(const ScratchLog&) = delete;

  std::shared_ptr<Partition> partition(FlushPolicy flush) {
    TopicSettings s;
    s.flush = flush;
    s.retention = std::nullopt;
    CAUDAL_CHECK(log_->create_topic("bench", s).ok(), "create topic");
    return log_->partition("bench", PartitionId(0)).value();
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Log> log_;
};

// One uncompressed batch of `records` records with `value_bytes`-byte values.
inline Bytes records_batch(int records, size_t value_bytes) {
  RecordBatchBuilder builder;
  Bytes value(value_bytes);
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<uint8_t>('a' + i % 26);
  for (int i = 0; i < records; ++i) builder.append(1'700'000'000'000 + i, std::nullopt, value);
  auto built = builder.build();
  CAUDAL_CHECK(built.ok(), built.status().to_string());
  return Bytes(built->begin(), built->end());
}

}  // namespace caudal::log::bench
