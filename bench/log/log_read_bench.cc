// Sequential read of a warm partition (its segments in the page cache), the way a pipeline or
// a Kafka fetch walks it: 1 MiB reads from offset 0 to the end, again and again.
//   - read: batches copied out and CRC-checked (Partition::read);
//   - read_ranges: file ranges for sendfile, here copied out with FileRead::copy_to, as a TLS
//     connection would (no CRC check).
// Goal (issue 3): >= 3 GB/s. The partition holds CAUDAL_BENCH_MB (default 512) MiB of 1 KiB
// records in batches of 64, written under CAUDAL_BENCH_DIR before timing starts.
//
//   CAUDAL_BENCH_DIR=/data build/bench/log_read_bench
#include <benchmark/benchmark.h>

#include "log_bench_support.h"

namespace caudal::log::bench {
namespace {

constexpr size_t kReadBytes = size_t{1} << 20;

std::shared_ptr<Partition> fill(ScratchLog& log) {
  auto partition = log.partition(FlushPolicy::none());
  Bytes batch = records_batch(64, 1024);
  for (uint64_t written = 0; written < bench_bytes(); written += batch.size()) {
    CAUDAL_CHECK(partition->append(batch).ok(), "append");
  }
  CAUDAL_CHECK(partition->flush().ok(), "flush");
  return partition;
}

int64_t reads_per_pass() {
  return static_cast<int64_t>(bench_bytes() / kReadBytes);
}

void BM_ReadWarm(benchmark::State& state) {
  ScratchLog log("read");
  auto partition = fill(log);
  Offset at(0);
  int64_t bytes = 0;
  for (auto _ : state) {
    if (at == partition->high_watermark()) at = Offset(0);
    auto r = partition->read(at, kReadBytes);
    if (!r.ok()) {
      state.SkipWithError(r.status().to_string().c_str());
      break;
    }
    bytes += static_cast<int64_t>(r->bytes.size());
    at = r->next_offset;
  }
  state.SetBytesProcessed(bytes);
}

void BM_ReadRangesWarm(benchmark::State& state) {
  ScratchLog log("read-ranges");
  auto partition = fill(log);
  Offset at(0);
  int64_t bytes = 0;
  Bytes buffer;
  for (auto _ : state) {
    if (at == partition->high_watermark()) at = Offset(0);
    auto r = partition->read_ranges(at, kReadBytes);
    buffer.clear();
    if (!r.ok() || !r->copy_to(buffer).ok()) {
      state.SkipWithError("read_ranges failed");
      break;
    }
    bytes += static_cast<int64_t>(buffer.size());
    at = r->next_offset;
  }
  state.SetBytesProcessed(bytes);
}

BENCHMARK(BM_ReadWarm)
    ->Name("read/warm/1MiB_reads")
    ->Iterations(3 * reads_per_pass())
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_ReadRangesWarm)
    ->Name("read_ranges/warm/1MiB_reads")
    ->Iterations(3 * reads_per_pass())
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace caudal::log::bench

BENCHMARK_MAIN();
