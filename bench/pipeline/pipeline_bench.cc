// The pipeline of issue 6's benchmark, side by side in one run with simdjson parsing the same
// bytes and nothing else (the limit): decode ~100-byte JSON events into batches, then
//   drop (a condition over three fields) + set (a conditional) + lookup (a 50,000-row CSV
//   table, keyed by an int) + route (two topics by condition) + serialization for the sinks
// on one core, exactly as a pipeline task runs them (definition.h run() + batch_output.h), with
// no log I/O. Prints events per CPU-second of each and the ratio.
//
//   pipeline_bench [EVENTS] [PASSES] [BATCH_SIZE]
//
// EVENTS defaults to 10,000,000 (cycling over 100,000 distinct ones). With PASSES > 1 (default
// 1) both sides run that many times, alternately, and the fastest pass of each counts: on a
// shared machine the other processes then slow down some passes, not the result. BATCH_SIZE
// sets the pipeline's batch_size (default: the configuration's default).
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <unistd.h>

#include "common/check.h"
#include "common/metrics/registry.h"
#include "config/config.h"
#include "pipeline/batch_output.h"
#include "pipeline/definition.h"
#include "table/catalog.h"

namespace {

using namespace caudal;

constexpr size_t kDistinct = 100'000;
constexpr int kCustomers = 50'000;

std::vector<std::string> make_events() {
  std::mt19937_64 random(42);
  const char* types[] = {"motion", "smoke", "temperature"};
  std::vector<std::string> out;
  for (size_t i = 0; i < kDistinct; ++i) {
    const int type = static_cast<int>(random() % 3);
    out.push_back(fmt::format(
        R"({{"id":{},"customer_id":{},"type":"{}","motion":{},"smoke":{},"temperature":{:.1f},"max_temperature":60}})",
        random() % 1'000'000, random() % (kCustomers + 1000), types[type], type == 0, type == 1,
        10.0 + static_cast<double>(random() % 700) / 10.0));
  }
  return out;
}

// CPU seconds of this thread: both phases run on one core, and on a shared machine wall time
// would measure the other processes too.
double thread_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const int passes = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
  const int batch_size = argc > 3 ? std::atoi(argv[3]) : 0;  // 0: the configuration's default
  const std::vector<std::string> events = make_events();
  size_t bytes = 0;
  for (size_t i = 0; i < total; ++i) bytes += events[i % kDistinct].size();

  // simdjson's DOM parser validating each event and nothing else: the limit.
  std::vector<simdjson::padded_string> padded;
  for (const std::string& e : events) padded.emplace_back(e);
  simdjson::dom::parser parser;
  size_t checksum = 0;
  auto parse_only = [&] {
    const double start = thread_seconds();
    for (size_t i = 0; i < total; ++i) {
      simdjson::dom::element doc;
      CAUDAL_CHECK(parser.parse(padded[i % kDistinct]).get(doc) == simdjson::SUCCESS,
                   "input is JSON");
      checksum += doc.is_object();
    }
    return thread_seconds() - start;
  };

  // The lookup table and the pipeline, from a configuration as a user writes it.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("caudal-pipeline-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "customers.csv");
    csv << "id,name,email,max_temperature\n";
    for (int i = 0; i < kCustomers; ++i) {
      csv << fmt::format("{},Customer {},c{}@example.com,{}\n", i, i, i, 50 + i % 20);
    }
  }
  std::string yaml = R"(data_dir: ./data
tables:
  customers: {csv: customers.csv, key: id}
pipelines:
  bench:
    from: ENTRY
    steps:
      - drop: not motion and not smoke and temperature <= max_temperature
      - set: {alarm: "motion ? 'motion' : smoke ? 'smoke' : 'temperature'"}
      - lookup: {table: customers, key: customer_id, into: customer}
      - route:
          - {when: "alarm == 'motion'", to: MOTION}
    to: OTHER
)";
  if (batch_size > 0) yaml += fmt::format("    batch_size: {}\n", batch_size);
  std::ofstream(dir / "caudal.yaml") << yaml;
  auto config = config::load_config_file(dir / "caudal.yaml", config::MapEnvironment());
  CAUDAL_CHECK(config.ok(), "benchmark configuration");
  metrics::Registry registry;
  table::CatalogOptions options;
  table::LookupTableOptions customers;
  customers.name = "customers";
  customers.source = table::CsvSource{dir / "customers.csv"};
  customers.key_column = "id";
  options.lookup_tables.push_back(customers);
  auto catalog = table::Catalog::open(options, registry);
  CAUDAL_CHECK(catalog.ok(), "benchmark table");
  auto definition = pipeline::compile_pipeline(*config, "bench", catalog->get());
  if (!definition.ok()) {
    fmt::print(stderr, "{}\n", definition.status().message());
    return 1;
  }
  const pipeline::PipelineDefinition& pipeline = **definition;

  pipeline::EventBatch batch;
  batch.set_projection(&pipeline.projection);
  pipeline::BatchOutcome outcome;
  pipeline::BatchOutput output(pipeline);
  std::vector<pipeline::StepCounts> counts(pipeline.steps.size());
  size_t out_records = 0;
  auto pipeline_run = [&] {
    out_records = 0;
    const double start = thread_seconds();
    for (size_t next = 0; next < total;) {
      batch.clear();
      output.reset();
      const size_t end = std::min(total, next + pipeline.batch_size);
      for (; next < end; ++next) {
        pipeline::SourcePosition position;
        position.topic = "ENTRY";
        position.offset = log::Offset(static_cast<int64_t>(next));
        CAUDAL_CHECK(batch.append_json(events[next % kDistinct], position).ok(), "input");
      }
      pipeline.run(batch, outcome, counts);
      output.build(batch, outcome);
      for (const auto& sink : output.sinks()) out_records += sink->size();
    }
    return thread_seconds() - start;
  };

  double parse_seconds = 0;
  double pipeline_seconds = 0;
  for (int pass = 0; pass < passes; ++pass) {
    const double parse = parse_only();
    const double run = pipeline_run();
    if (pass == 0 || parse < parse_seconds) parse_seconds = parse;
    if (pass == 0 || run < pipeline_seconds) pipeline_seconds = run;
  }
  std::filesystem::remove_all(dir);

  const double parse_rate = static_cast<double>(total) / parse_seconds;
  const double pipeline_rate = static_cast<double>(total) / pipeline_seconds;
  fmt::print("events: {} ({:.1f} bytes each on average), batches of {}, best of {} passes\n",
             total, static_cast<double>(bytes) / static_cast<double>(total), pipeline.batch_size,
             passes);
  fmt::print("simdjson parse only:          {:>12.0f} events/s  {:>8.1f} MB/s\n", parse_rate,
             static_cast<double>(bytes) / parse_seconds / 1e6);
  fmt::print("pipeline (drop+set+lookup+route+serialize): {:>12.0f} events/s  ({} records out)\n",
             pipeline_rate, out_records);
  fmt::print("ratio pipeline / parse only:  {:.1f}%\n", 100.0 * pipeline_rate / parse_rate);
  return checksum == 0 ? 1 : 0;
}
