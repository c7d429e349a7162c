// Record batch throughput: RecordBatchBuilder (append + build) and RecordBatchReader, per codec,
// for the shape of 100-byte records in batches of 1,000. Items are records; bytes are
// record values (the payload a producer hands over), so figures compare across codecs.
//
//   build-dir/bench/record_batch_bench --benchmark_min_time=1
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "common/check.h"
#include "log/record_batch_builder.h"
#include "log/record_batch_reader.h"

namespace caudal::log {
namespace {

constexpr int kRecordsPerBatch = 1000;
constexpr size_t kValueSize = 100;

// JSON-like events with varying fields, so that codecs see realistic, not trivial, input.
std::vector<Bytes> make_values() {
  std::mt19937 rng(42);
  const char* types[] = {"motion", "smoke", "temperature", "door", "battery"};
  std::vector<Bytes> values;
  for (int i = 0; i < kRecordsPerBatch; ++i) {
    std::string v = "{\"id\":" + std::to_string(rng() % 100000) + ",\"type\":\"" +
                    types[rng() % 5] + "\",\"value\":" + std::to_string(rng() % 1000) +
                    ",\"site\":\"s" + std::to_string(rng() % 50) + "\",\"pad\":\"";
    while (v.size() < kValueSize - 2) v.push_back(static_cast<char>('a' + rng() % 26));
    v += "\"}";
    values.emplace_back(v.begin(), v.end());
  }
  return values;
}

const std::vector<Bytes>& values() {
  static const std::vector<Bytes> v = make_values();
  return v;
}

void fill(RecordBatchBuilder& builder) {
  int64_t ts = 1'700'000'000'000;
  for (const Bytes& v : values()) builder.append(ts++, std::nullopt, v);
}

void BM_Build(benchmark::State& state) {
  const auto codec = static_cast<Compression>(state.range(0));
  RecordBatchBuilder builder(codec);
  size_t batch_size = 0;
  for (auto _ : state) {
    builder.reset();
    fill(builder);
    auto batch = builder.build();
    benchmark::DoNotOptimize(batch.value().data());
    batch_size = batch->size();
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
  state.SetBytesProcessed(state.iterations() * kRecordsPerBatch * static_cast<int64_t>(kValueSize));
  state.counters["batch_bytes"] = static_cast<double>(batch_size);
  state.SetLabel(std::string(compression_name(codec)));
}

void BM_Read(benchmark::State& state) {
  const auto codec = static_cast<Compression>(state.range(0));
  RecordBatchBuilder builder(codec);
  fill(builder);
  const auto built = builder.build();
  const Bytes batch(built->begin(), built->end());
  RecordBatchReader reader;
  for (auto _ : state) {
    CAUDAL_CHECK(reader.reset(batch).ok(), "reset failed");
    for (;;) {
      auto record = reader.next();
      CAUDAL_CHECK(record.ok(), record.status().to_string());
      if (*record == nullptr) break;
      benchmark::DoNotOptimize((*record)->value->data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
  state.SetBytesProcessed(state.iterations() * kRecordsPerBatch * static_cast<int64_t>(kValueSize));
  state.SetLabel(std::string(compression_name(codec)));
}

void codecs(benchmark::internal::Benchmark* b) {
  b->ArgName("codec");
  for (int c = 0; c <= static_cast<int>(Compression::kZstd); ++c) b->Arg(c);
}

BENCHMARK(BM_Build)->Apply(codecs);
BENCHMARK(BM_Read)->Apply(codecs);

}  // namespace
}  // namespace caudal::log

BENCHMARK_MAIN();
