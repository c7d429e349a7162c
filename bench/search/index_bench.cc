// Issue 9's search benchmark in one process, without HTTP, kcat or PostgreSQL: the indexing
// path and the three queries of bench/search/run.sh, so they can be profiled (perf record) and
// measured quickly. The documents of an NDJSON file are appended to a topic of a real log
// first; then one index is opened over it and its feeder (one thread, 1 s refresh, merges
// every 10 s, as `caudal serve` runs it) indexes everything. Reported: wall time, CPU time of
// the process while indexing (the feeder is the only busy thread), MB/s and docs/s per core,
// the index size; then p50/p99 of each query through the Elasticsearch API's search call (the
// request body parsed, the response written; no HTTP).
//
//   index_bench NDJSON [RUNS [QUERY]]   (RUNS per query, default 50; QUERY q1, q2 or q3 runs
//                                        that one alone)
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "common/check.h"
#include "common/metrics/registry.h"
#include "index/api/es_api.h"
#include "index/catalog.h"
#include "log/log.h"
#include "log/record_batch_builder.h"

namespace {

using namespace caudal;
using Steady = std::chrono::steady_clock;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

uint64_t directory_bytes(const std::filesystem::path& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: index_bench NDJSON [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 50;
  const std::string only = argc > 3 ? argv[3] : "";
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("caudal-index-bench-{}", ::getpid());
  std::filesystem::remove_all(dir);

  log::LogOptions log_options;
  log_options.data_dir = dir;
  auto log = std::move(log::Log::open(log_options)).value();
  CAUDAL_CHECK(log->create_topic("weblogs", log::TopicSettings{}).ok(), "create topic");
  auto partition = std::move(log->partition("weblogs", log::PartitionId(0))).value();
  std::ifstream in(argv[1]);
  std::string line;
  uint64_t docs = 0, bytes = 0;
  log::RecordBatchBuilder builder;
  size_t in_batch = 0;
  auto flush = [&] {
    if (in_batch == 0) return;
    auto batch = builder.build();
    CAUDAL_CHECK(batch.ok() && partition->append(*batch).ok(), "append");
    builder = log::RecordBatchBuilder();
    in_batch = 0;
  };
  while (std::getline(in, line)) {
    builder.append(1'709'251'200'000, std::nullopt, as_bytes(line));
    bytes += line.size() + 1;
    ++docs;
    if (++in_batch == 1000) flush();
  }
  flush();
  std::printf("loaded %llu documents, %.1f MB of NDJSON\n", static_cast<unsigned long long>(docs),
              static_cast<double>(bytes) / 1048576.0);

  metrics::Registry registry;
  std::vector<index::IndexDefinition> definitions(1);
  definitions[0].options.name = "web";
  definitions[0].options.timestamp_field = "@timestamp";
  definitions[0].feeder.topic = "weblogs";
  const double cpu0 = cpu_seconds();
  const auto t0 = Steady::now();
  auto catalog =
      std::move(index::Catalog::open(dir / "index", std::move(definitions), *log, registry))
          .value();
  for (;;) {
    auto snapshots = catalog->resolve("web");
    if (snapshots.ok() && !snapshots->empty() && (*snapshots)[0]->live_docs >= docs) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double wall = std::chrono::duration<double>(Steady::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  const double mb = static_cast<double>(bytes) / 1048576.0;
  std::printf("indexing: %.2f s wall, %.2f s CPU: %.1f MB/s and %.0f docs/s per core\n", wall,
              cpu, mb / cpu, static_cast<double>(docs) / cpu);
  std::printf("index size: %.1f MB\n",
              static_cast<double>(directory_bytes(dir / "index" / "web")) / 1048576.0);

  index::api::EsApi api(*catalog, index::SearchLimits{});
  const std::pair<const char*, const char*> queries[] = {
      {"q1 term + 1 h date_histogram",
       R"({"size":0,"query":{"term":{"status":500}},"aggs":{"h":{"date_histogram":{"field":"@timestamp","fixed_interval":"1h"}}}})"},
      {"q2 match, top 10 by time",
       R"({"size":10,"query":{"match":{"message":"timeout"}},"sort":[{"@timestamp":"desc"}]})"},
      {"q3 terms top 10 under a range",
       R"({"size":0,"query":{"range":{"response_ms":{"gte":1000}}},"aggs":{"top":{"terms":{"field":"host.keyword","size":10}}}})"},
  };
  for (const auto& [name, body] : queries) {
    if (!only.empty() && !std::string_view(name).starts_with(only)) continue;
    std::vector<double> ms, cpu_ms;
    std::string answer;
    for (int i = 0; i < runs; ++i) {
      const auto start = Steady::now();
      const double cpu_start = thread_cpu_ms();
      index::api::EsResponse response = api.search("web", body, {}, false);
      cpu_ms.push_back(thread_cpu_ms() - cpu_start);
      ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
      CAUDAL_CHECK(response.status == 200, response.body);
      answer = std::move(response.body);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu_ms.begin(), cpu_ms.end());
    std::printf("%s: p50 %.3f ms, p99 %.3f ms (CPU p50 %.3f ms)\n  %s\n", name, ms[ms.size() / 2],
                ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], cpu_ms[cpu_ms.size() / 2],
                answer.substr(0, std::getenv("CAUDAL_BENCH_SHOW") ? answer.size() : 200).c_str());
  }
  catalog.reset();
  log.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
