// Append throughput of a partition, for the goals of issue 3 (bench/log/append_vs_dd.sh runs
// these side by side with dd on the same file system):
//   - flush=none, 1 KiB records in batches of 64 (~66 KB) and of 960 (~1 MB, librdkafka's
//     default batch.size): bytes/s, against dd's buffered bandwidth with a block of the same
//     size (bs=64K, bs=1M);
//   - flush=always, 4 appenders (group commit), each waiting for every acknowledgement, or
//     keeping 4 appends in flight as Kafka producers do: bytes/s, against dd conv=fdatasync;
//   - 100-byte records in batches of 1,000, flush=none, one appending thread: records/s.
// Each run writes CAUDAL_BENCH_MB (default 512) MiB under CAUDAL_BENCH_DIR; the batches are
// built once with RecordBatchBuilder beforehand, as a producer would hand them over.
//
//   CAUDAL_BENCH_DIR=/data build/bench/log_append_bench
#include <atomic>
#include <semaphore>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "log_bench_support.h"

namespace caudal::log::bench {
namespace {

int64_t batches_for(int records, size_t value_bytes) {
  return static_cast<int64_t>(bench_bytes() / records_batch(records, value_bytes).size()) + 1;
}

// One thread appending the same batch again and again; each append completes inline.
void append_one_thread(benchmark::State& state, FlushPolicy flush) {
  const int records = static_cast<int>(state.range(0));
  const size_t value_bytes = static_cast<size_t>(state.range(1));
  ScratchLog log("append");
  auto partition = log.partition(flush);
  Bytes batch = records_batch(records, value_bytes);
  bool ok = true;
  auto done = [&ok](const Result<AppendResult>& r) { ok = ok && r.ok(); };
  for (auto _ : state) partition->append(batch, done);
  if (!ok) state.SkipWithError("an append failed");
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
  state.SetItemsProcessed(state.iterations() * records);
}

void BM_AppendFlushNone(benchmark::State& state) {
  append_one_thread(state, FlushPolicy::none());
}

// `appenders` threads, each appending its share with at most `in_flight` appends waiting for
// their acknowledgement: 1 is a producer that waits for every ack; Kafka producers keep up to
// 5 requests in flight per connection. Timed as a whole, until the last acknowledgement.
void BM_AppendFlushAlwaysConcurrent(benchmark::State& state) {
  const int records = static_cast<int>(state.range(0));
  const size_t value_bytes = static_cast<size_t>(state.range(1));
  const int appenders = static_cast<int>(state.range(2));
  const int in_flight = static_cast<int>(state.range(3));
  Bytes batch = records_batch(records, value_bytes);
  int64_t per_thread = static_cast<int64_t>(bench_bytes() / batch.size()) / appenders + 1;
  std::atomic<bool> ok{true};
  uint64_t flushes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    {
      ScratchLog log("append-always");
      auto partition = log.partition(FlushPolicy::always());
      state.ResumeTiming();
      std::vector<std::thread> threads;
      threads.reserve(static_cast<size_t>(appenders));
      for (int t = 0; t < appenders; ++t) {
        threads.emplace_back([&] {
          std::counting_semaphore<> slots(in_flight);
          auto done = [&](const Result<AppendResult>& r) {
            if (!r.ok()) ok = false;
            slots.release();
          };
          for (int64_t i = 0; i < per_thread; ++i) {
            slots.acquire();
            partition->append(batch, done);
          }
          for (int i = 0; i < in_flight; ++i) slots.acquire();
        });
      }
      for (auto& t : threads) t.join();
      state.PauseTiming();
      flushes = partition->stats().flushes;
    }
    state.ResumeTiming();
  }
  if (!ok) state.SkipWithError("an append failed");
  int64_t total_batches = per_thread * appenders;
  state.SetBytesProcessed(state.iterations() * total_batches * static_cast<int64_t>(batch.size()));
  state.SetItemsProcessed(state.iterations() * total_batches * records);
  state.counters["batches_per_fdatasync"] =
      static_cast<double>(total_batches) / static_cast<double>(std::max<uint64_t>(flushes, 1));
}

BENCHMARK(BM_AppendFlushNone)
    ->Name("append/flush_none/1KiB_records/64_per_batch")
    ->Args({64, 1024})
    ->Iterations(batches_for(64, 1024))
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_AppendFlushNone)
    ->Name("append/flush_none/1KiB_records/960_per_batch")
    ->Args({960, 1024})
    ->Iterations(batches_for(960, 1024))
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_AppendFlushNone)
    ->Name("append/flush_none/100B_records/1000_per_batch")
    ->Args({1000, 100})
    ->Iterations(batches_for(1000, 100))
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_AppendFlushAlwaysConcurrent)
    ->Name("append/flush_always/1KiB_records/256_per_batch/4_appenders/1_in_flight")
    ->Args({256, 1024, 4, 1})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Batches of about 1 MB: librdkafka's default batch.size (1,000,000 bytes).
BENCHMARK(BM_AppendFlushAlwaysConcurrent)
    ->Name("append/flush_always/1KiB_records/960_per_batch/4_appenders/1_in_flight")
    ->Args({960, 1024, 4, 1})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_AppendFlushAlwaysConcurrent)
    ->Name("append/flush_always/1KiB_records/256_per_batch/4_appenders/4_in_flight")
    ->Args({256, 1024, 4, 4})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_AppendFlushAlwaysConcurrent)
    ->Name("append/flush_always/1KiB_records/960_per_batch/4_appenders/4_in_flight")
    ->Args({960, 1024, 4, 4})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace caudal::log::bench

BENCHMARK_MAIN();
