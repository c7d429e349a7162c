// Issue 7's stateful steps side by side in one run with a stateless pipeline over the same
// events, on one core, exactly as a pipeline task runs them (definition.h run() +
// batch_output.h) with no log I/O:
//   stateless:  filter + set (issue 6's kind of pipeline)
//   threshold:  key_by sensor (50,000 ids) + threshold (count "type == 'motion' ? 1 : 3",
//               consecutive)
//   window:     one-minute tumbling count by type (event time: the records' timestamps, 1 ms
//               apart)
// Stateful runs checkpoint every second of the run into a real checkpoint store (RocksDB,
// synced) as the pipeline task does: the delta is taken on the pipeline's thread between two
// batches, and written by the CheckpointWriter's thread while the pipeline goes on (one at a
// time). Reported: the state size, the CPU time the pipeline's thread spent taking deltas, and
// the (wall) time of the writes. Beside the rate over wall time, the rate over the CPU time of the
// pipeline's thread: on a shared machine that one barely moves with the load.
//
//   stateful_bench [EVENTS [PIPELINE...]]   (default 10,000,000 events, cycling over 100,000
//                                            distinct ones; all three pipelines; name some to
//                                            profile them alone)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include "common/check.h"
#include "config/config.h"
#include "pipeline/batch_output.h"
#include "pipeline/definition.h"
#include "pipeline/runtime/checkpoint_store.h"
#include "pipeline/runtime/checkpoint_writer.h"

namespace {

using namespace caudal;
using Steady = std::chrono::steady_clock;

constexpr size_t kDistinct = 100'000;
constexpr int kSensors = 50'000;
constexpr int64_t kBaseMs = 1704067200000;

std::vector<std::string> make_events() {
  std::mt19937_64 random(42);
  const char* types[] = {"motion", "smoke", "temperature", "door"};
  std::vector<std::string> out;
  for (size_t i = 0; i < kDistinct; ++i) {
    const uint64_t type = random() % 4;
    out.push_back(fmt::format(R"({{"sensor":"s-{}","type":"{}","value":{},"battery":{}}})", random() % kSensors,
                              types[type], random() % 100, random() % 100));
  }
  return out;
}

double seconds_since(Steady::time_point start) { return std::chrono::duration<double>(Steady::now() - start).count(); }

double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct Timing {
  size_t count = 0;
  double total = 0;
  double max = 0;
  void add(double seconds) {
    ++count;
    total += seconds;
    max = std::max(max, seconds);
  }
  double mean_ms() const { return count == 0 ? 0 : 1000 * total / static_cast<double>(count); }
};

struct RunResult {
  double rate = 0;
  double cpu_rate = 0;  // per second of the pipeline thread's CPU time
  size_t out = 0;
  Timing take;   // CPU time of the pipeline's thread
  Timing write;  // on the writer's thread
  size_t delta_entries_max = 0;
  size_t state_entries = 0;
  size_t state_bytes = 0;
};

RunResult run(pipeline::PipelineDefinition& pipeline, const std::vector<std::string>& events, size_t total,
           pipeline::CheckpointStore& store) {
  pipeline::EventBatch batch;
  pipeline::BatchOutcome outcome;
  pipeline::BatchOutput output(pipeline);
  std::vector<pipeline::StepCounts> counts(pipeline.steps.size());
  RunResult result;
  const auto start = Steady::now();
  const double cpu_start = thread_cpu_seconds();
  auto next_checkpoint = start + std::chrono::seconds(1);
  pipeline::CheckpointWriter writer(&store);
  auto written = [&](std::optional<pipeline::CheckpointWriter::Written> w) {
    if (!w.has_value()) return;
    CAUDAL_CHECK(w->status.ok(), "checkpoint");
    result.write.add(std::chrono::duration<double>(w->took).count());
  };
  auto checkpoint = [&](size_t offset) {
    const double began = thread_cpu_seconds();
    pipeline::Checkpoint c;
    c.pipeline = pipeline.name;
    c.offsets.push_back({{"ENTRY", log::PartitionId(0)}, log::Offset(static_cast<int64_t>(offset))});
    size_t entries = 0;
    for (size_t i = 0; i < pipeline.steps.size(); ++i) {
      pipeline::StepState* state = pipeline.steps[i]->state();
      if (state == nullptr) continue;
      pipeline::StepDelta delta{static_cast<uint32_t>(i), pipeline.step_names[i], {}};
      state->take_delta(delta.writes);
      entries += delta.writes.size();
      c.state.push_back(std::move(delta));
    }
    writer.submit(std::move(c));
    result.take.add(thread_cpu_seconds() - began);
    result.delta_entries_max = std::max(result.delta_entries_max, entries);
  };
  const bool stateful = pipeline.stateful();
  for (size_t next = 0; next < total;) {
    batch.clear();
    output.reset();
    batch.set_processing_time(kBaseMs * 1'000'000);
    const size_t end = std::min(total, next + pipeline.batch_size);
    for (; next < end; ++next) {
      pipeline::SourcePosition position;
      position.topic = "ENTRY";
      position.offset = log::Offset(static_cast<int64_t>(next));
      position.timestamp_ms = kBaseMs + static_cast<int64_t>(next);
      CAUDAL_CHECK(batch.append_json(events[next % kDistinct], position).ok(), "input");
    }
    pipeline.run(batch, outcome, counts);
    output.build(batch, outcome);
    for (const auto& sink : output.sinks()) result.out += sink->size();
    if (stateful) written(writer.poll());
    if (stateful && !writer.busy() && Steady::now() >= next_checkpoint) {
      checkpoint(next);
      next_checkpoint = Steady::now() + std::chrono::seconds(1);
    }
  }
  if (stateful) {
    written(writer.wait());
    checkpoint(total);
    written(writer.wait());
  }
  result.rate = static_cast<double>(total) / seconds_since(start);
  result.cpu_rate = static_cast<double>(total) / (thread_cpu_seconds() - cpu_start);
  for (const auto& step : pipeline.steps) {
    if (step->state() == nullptr) continue;
    result.state_entries += step->state()->entries();
    result.state_bytes += step->state()->bytes();
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const std::vector<std::string> events = make_events();
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("caudal-stateful-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string yaml = R"(data_dir: ./data
pipelines:
  stateless:
    from: ENTRY
    steps:
      - filter: "battery > 5"
      - set: {alarm: "type == 'motion' ? 'motion' : 'other'"}
    to: OUT
  threshold:
    from: ENTRY
    steps:
      - key_by: sensor
      - threshold: {count: "type == 'motion' ? 1 : 3", when: "value > 50", consecutive: true}
    to: OUT
  window:
    from: ENTRY
    steps:
      - window: {key: type, tumbling: 1m, aggregate: {n: count()}}
    to: OUT
)";
  std::ofstream(dir / "caudal.yaml") << yaml;
  auto config = config::load_config_file(dir / "caudal.yaml", config::MapEnvironment());
  CAUDAL_CHECK(config.ok(), "benchmark configuration");
  auto store = pipeline::CheckpointStore::open(dir / "state");
  CAUDAL_CHECK(store.ok(), "checkpoint store");
  fmt::print("events: {} (cycling over {} distinct, {} sensor ids), checkpoints every second (synced RocksDB)\n",
             total, kDistinct, kSensors);
  double stateless_rate = 0;
  double stateless_cpu_rate = 0;
  std::vector<std::string> names;
  for (int i = 2; i < argc; ++i) names.emplace_back(argv[i]);
  if (names.empty()) names = {"stateless", "threshold", "window"};
  for (const std::string& name : names) {
    auto definition = pipeline::compile_pipeline(*config, name, nullptr);
    if (!definition.ok()) {
      fmt::print(stderr, "{}\n", definition.status().message());
      return 1;
    }
    const RunResult r = run(**definition, events, total, **store);
    if (name == "stateless") {
      stateless_rate = r.rate;
      stateless_cpu_rate = r.cpu_rate;
    }
    fmt::print("{:<10} {:>9.0f} events/s", name, r.rate);
    if (stateless_rate > 0) fmt::print(" ({:5.1f}% of stateless)", 100.0 * r.rate / stateless_rate);
    fmt::print(", {:>9.0f} per CPU second", r.cpu_rate);
    if (stateless_cpu_rate > 0) fmt::print(" ({:5.1f}%)", 100.0 * r.cpu_rate / stateless_cpu_rate);
    fmt::print("  {:>9} records out", r.out);
    if (r.write.count > 0) {
      fmt::print("\n           state: {} entries, {:.1f} MB; {} checkpoints of up to {} entries: taking the delta "
                 "{:.2f} ms mean, {:.2f} ms max (CPU time of the pipeline thread); writing {:.2f} ms mean, {:.2f} ms max (writer thread)",
                 r.state_entries, static_cast<double>(r.state_bytes) / 1e6, r.write.count, r.delta_entries_max,
                 r.take.mean_ms(), 1000 * r.take.max, r.write.mean_ms(), 1000 * r.write.max);
    }
    fmt::print("\n");
  }
  std::filesystem::remove_all(dir);
  return 0;
}
