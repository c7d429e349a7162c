// LookupSnapshot::find on a 50,000-row table (seed 004's customers), hits and misses, by int64
// and by text key, keys in random order so the probes are not cache-friendly by accident.
#include <random>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "table/lookup_snapshot.h"

namespace caudal::table {
namespace {

constexpr int64_t kRows = 50'000;

// Customers with ids 1..kRows (int keys) or "C0000001"... (text keys), and a few columns.
std::shared_ptr<const LookupSnapshot> customers(bool text_keys) {
  SourceRows rows;
  rows.columns = {{"id", text_keys ? ColumnType::kString : ColumnType::kInt},
                  {"name", ColumnType::kString},
                  {"city", ColumnType::kString},
                  {"lat", ColumnType::kFloat},
                  {"lon", ColumnType::kFloat}};
  for (int64_t i = 1; i <= kRows; ++i) {
    Value id = text_keys ? Value(fmt::format("C{:07}", i)) : Value(i);
    rows.rows.push_back({std::move(id), fmt::format("Customer {}", i), std::string("Lisbon"),
                         38.7 + static_cast<double>(i % 100) / 1000, -9.1});
    rows.locations.push_back(fmt::format("row {}", i));
  }
  return LookupSnapshot::build(std::move(rows), "id", "bench").value();
}

// 64 Ki keys drawn at random from [first, first + kRows).
std::vector<int64_t> random_ids(int64_t first) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<int64_t> pick(first, first + kRows - 1);
  std::vector<int64_t> ids(1 << 16);
  for (int64_t& id : ids) id = pick(random);
  return ids;
}

void run_int(benchmark::State& state, int64_t first) {
  const auto snapshot = customers(false);
  const std::vector<int64_t> ids = random_ids(first);
  size_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    found += snapshot->find(ids[i++ & (ids.size() - 1)]) != nullptr;
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void run_text(benchmark::State& state, int64_t first) {
  const auto snapshot = customers(true);
  std::vector<std::string> keys;
  for (int64_t id : random_ids(first)) keys.push_back(fmt::format("C{:07}", id));
  size_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    found += snapshot->find(std::string_view(keys[i++ & (keys.size() - 1)])) != nullptr;
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_FindIntHit(benchmark::State& state) {
  run_int(state, 1);
}
void BM_FindIntMiss(benchmark::State& state) {
  run_int(state, kRows + 1);
}
void BM_FindTextHit(benchmark::State& state) {
  run_text(state, 1);
}
void BM_FindTextMiss(benchmark::State& state) {
  run_text(state, kRows + 1);
}

BENCHMARK(BM_FindIntHit);
BENCHMARK(BM_FindIntMiss);
BENCHMARK(BM_FindTextHit);
BENCHMARK(BM_FindTextMiss);

}  // namespace
}  // namespace caudal::table

BENCHMARK_MAIN();
