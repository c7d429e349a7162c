// Issue 10's `detect` pipeline alone, in-process, exactly as `caudal serve` runs it: the
// pipeline of examples/alarms/caudal.yaml (ENTRY and OK in time order; key_by, threshold,
// route, set, set, lookup in 50,000 customers; sinks COUNT, the sensor_state table and the
// e-mail outbox) started by pipeline::Pipelines over simulator readings pre-loaded into the log,
// so the run measures the pipeline and nothing of HTTP ingest.
//
// The readings are those of `caudal simulate alarms` (8 connections, 1,000 readings per
// request, seed 1, 50,000 sensors): each request is one record batch per ENTRY partition
// (keyed by id, as the HTTP gateway appends it) and its recoveries one batch on OK, stamped
// one millisecond after the request before it, all in the past (nothing waits for the clock).
//
// Reported: records/s over wall time and over the CPU time of the pipeline's threads (the task's,
// the checkpoint writer, the table's RocksDB, the e-mail delivery and its syncs: every thread
// but the main one, which loads and then only waits), alarms and e-mails. bench/demo/detect_profile.sh runs it under callgrind for instructions per
// reading by stage (the loading happens on the main thread, the pipeline on threads of its own).
//
//   detect_bench [READINGS] [OUTBOX]   (default 2,000,000 readings; the outbox in a temp folder)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/check.h"
#include "common/metrics/registry.h"
#include "config/config.h"
#include "demo/customers.h"
#include "demo/sensor_fleet.h"
#include "log/log.h"
#include "log/partitioner.h"
#include "log/record_batch_builder.h"
#include "pipeline/runtime/pipelines.h"
#include "server/table_options_mapping.h"
#include "table/catalog.h"

namespace {

using namespace caudal;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

constexpr uint32_t kConnections = 8;
constexpr uint64_t kRequestReadings = 1000;
constexpr int32_t kEntryPartitions = 4;

// CPU time of every thread but this one (which only loads and waits): the pipeline's thread,
// the checkpoint writer, the table's RocksDB, the e-mail delivery and its syncs.
double pipeline_cpu_seconds() {
  auto seconds = [](const rusage& usage) {
    auto of = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return of(usage.ru_utime) + of(usage.ru_stime);
  };
  rusage process{};
  rusage main_thread{};
  ::getrusage(RUSAGE_SELF, &process);
  ::getrusage(RUSAGE_THREAD, &main_thread);
  return seconds(process) - seconds(main_thread);
}

void append(log::Partition& partition, log::RecordBatchBuilder& builder) {
  if (builder.empty()) return;
  Result<ByteView> batch = builder.build();
  CAUDAL_CHECK(batch.ok(), "building a batch of readings");
  Result<log::AppendResult> appended = partition.append(*batch);
  CAUDAL_CHECK(appended.ok(), "appending the readings");
  builder.reset();
}

struct Loaded {
  uint64_t readings = 0;
  uint64_t recoveries = 0;
  uint64_t alarms = 0;  // the simulator's ground truth
};

// The readings of `readings` simulator requests' worth, round by round over the connections.
Loaded load(log::Log& log, uint64_t readings) {
  std::vector<std::shared_ptr<log::Partition>> entry;
  for (int32_t p = 0; p < kEntryPartitions; ++p) {
    auto partition = log.partition("ENTRY", log::PartitionId(p));
    CAUDAL_CHECK(partition.ok(), "ENTRY");
    entry.push_back(*partition);
  }
  auto ok = log.partition("OK", log::PartitionId(0));
  CAUDAL_CHECK(ok.ok(), "OK");
  std::vector<demo::SensorFleet> fleets;
  for (uint32_t c = 0; c < kConnections; ++c) {
    fleets.emplace_back(demo::FleetOptions{.seed = 1, .sensors = 50000, .connections = kConnections}, c);
  }
  std::vector<log::RecordBatchBuilder> builders(kEntryPartitions);
  log::RecordBatchBuilder ok_builder;
  Loaded loaded;
  int64_t timestamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(2))
                          .count();
  for (uint32_t c = 0; loaded.readings < readings; c = (c + 1) % kConnections) {
    demo::SensorFleet& fleet = fleets[c];
    fleet.start_round();
    uint64_t in_request = 0;
    const uint64_t request = std::min(kRequestReadings, readings - loaded.readings);
    while (in_request < request) {
      demo::SensorMessage message = fleet.next(request - in_request);
      const std::string key = std::to_string(message.id);
      const auto bytes = [](const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); };
      if (message.topic == demo::SensorMessage::Topic::kEntry) {
        ++in_request;
        builders[static_cast<size_t>(log::partition_for_key(key, kEntryPartitions))].append(
            timestamp, bytes(key), bytes(message.json), {});
      } else {
        ++loaded.recoveries;
        ok_builder.append(timestamp + 1, bytes(key), bytes(message.json), {});
      }
    }
    loaded.readings += in_request;
    for (int32_t p = 0; p < kEntryPartitions; ++p) append(*entry[static_cast<size_t>(p)], builders[static_cast<size_t>(p)]);
    append(**ok, ok_builder);
    timestamp += 2;
  }
  for (const demo::SensorFleet& fleet : fleets) {
    loaded.alarms += fleet.truth().alarm_total();
  }
  return loaded;
}

// The sum of the samples of `name` whose labels contain `label` in Prometheus text.
double sample_sum(const std::string& text, std::string_view name, std::string_view label) {
  double sum = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size() || line[name.size()] != '{') continue;
    if (line.find(label) == std::string::npos) continue;
    sum += std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
  }
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t readings = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
  const fs::path dir = fs::temp_directory_path() / fmt::format("caudal-detect-bench-{}", ::getpid());
  const fs::path outbox = argc > 2 ? fs::path(argv[2]) : dir / "outbox";
  fs::create_directories(dir);
  fs::copy_file(CAUDAL_EXAMPLES_DIR "/alarms/caudal.yaml", dir / "caudal.yaml");
  CAUDAL_CHECK(demo::write_customers_csv(dir / "customers.csv", 1, 50000).ok(), "customers");
  auto loaded_config = config::load_config_file(
      dir / "caudal.yaml", config::MapEnvironment({{"CAUDAL_OUTBOX", outbox.string()}}));
  if (!loaded_config.ok()) {
    fmt::print(stderr, "{}\n", loaded_config.status().message());
    return 1;
  }
  config::Config config = std::move(loaded_config).value();
  std::erase_if(config.pipelines, [](const auto& entry) { return entry.first != "detect"; });

  metrics::Registry registry;
  auto log = log::Log::open(log::LogOptions{.data_dir = config.data_dir, .metrics = &registry});
  CAUDAL_CHECK(log.ok(), "log");
  for (const auto& [name, partitions] : {std::pair{"ENTRY", kEntryPartitions}, std::pair{"OK", 1}}) {
    log::TopicSettings settings;
    settings.partitions = partitions;
    CAUDAL_CHECK((*log)->create_topic(name, settings).ok(), "topic");
  }
  auto catalog = table::Catalog::open(server::to_catalog_options(config), registry);
  CAUDAL_CHECK(catalog.ok(), "tables");

  const auto load_start = Steady::now();
  const Loaded loaded = load(**log, readings);
  const uint64_t records = loaded.readings + loaded.recoveries;
  fmt::print("loaded {} readings and {} recoveries in {:.1f} s ({} alarms to raise)\n", loaded.readings,
             loaded.recoveries, std::chrono::duration<double>(Steady::now() - load_start).count(), loaded.alarms);

  pipeline::PipelinesOptions options;
  options.log = log->get();
  options.catalog = catalog->get();
  options.metrics = &registry;
  options.state_dir = config.data_dir / "state";
  const double cpu_start = pipeline_cpu_seconds();
  const auto start = Steady::now();
  auto pipelines = pipeline::Pipelines::start(config, options);
  CAUDAL_CHECK(pipelines.ok(), "pipelines");
  constexpr std::string_view kDetect = "pipeline=\"detect\"";
  for (;;) {
    const std::string text = registry.render();
    const double in = sample_sum(text, "caudal_pipeline_events_in_total", kDetect);
    const double in_flight = sample_sum(text, "caudal_pipeline_sink_in_flight", kDetect);
    if (in >= static_cast<double>(records) && in_flight == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double wall = std::chrono::duration<double>(Steady::now() - start).count();
  const double cpu = pipeline_cpu_seconds() - cpu_start;
  const std::string text = registry.render();
  (*pipelines)->stop();

  size_t emails = 0;
  for (const auto& file : fs::directory_iterator(outbox)) emails += file.path().extension() == ".eml";
  fmt::print("detect: {} records in {:.2f} s: {:.0f} records/s, {:.0f} per CPU second of its threads ({:.0f}% of one core)\n",
             records, wall, static_cast<double>(records) / wall, static_cast<double>(records) / cpu,
             100 * cpu / wall);
  fmt::print("alarms: {:.0f} to COUNT, {} e-mails, {:.0f} recoveries to RECOVERED (truth: {} alarms); "
             "{:.0f} checkpoints\n",
             sample_sum(text, "caudal_pipeline_sink_events_total", "sink=\"COUNT\""), emails,
             sample_sum(text, "caudal_pipeline_sink_events_total", "sink=\"RECOVERED\""), loaded.alarms,
             sample_sum(text, "caudal_pipeline_checkpoints_total", kDetect));
  pipelines->reset();
  catalog->reset();
  log->reset();
  fs::remove_all(dir);
  return 0;
}
