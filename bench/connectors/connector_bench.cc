// Events/s through one connector sink, with its batching, against a real server:
//   connector_bench SINK_YAML EVENTS_NDJSON
// SINK_YAML holds one `to:` entry (e.g. `influxdb: {...}`); every line of EVENTS_NDJSON is
// written to the sink in batches of 1,000 (as a pipeline hands them over) and the clock stops
// when the sink has acknowledged the last one (delivered, or the file complete). Prints
// "<events> events in <s> s: <n> events/s". bench/connectors/run.sh runs it beside each
// server's own direct rate.
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "common/metrics/registry.h"
#include "config/config.h"
#include "pipeline/connectors/registry.h"
#include "pipeline/definition.h"

namespace {

using caudal::pipeline::Sink;
using caudal::pipeline::SinkBatch;

// Refuses nothing: dead letters would be a failed run.
class FailingDeadLetters final : public Sink {
 public:
  void write(std::shared_ptr<const SinkBatch> batch, caudal::pipeline::SinkDone done) override {
    std::cerr << "dead letter: " << batch->value(0) << "\n";
    done(caudal::Status());
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: connector_bench SINK_YAML EVENTS_NDJSON\n";
    return 2;
  }
  std::ifstream sink_file(argv[1]);
  std::stringstream sink_yaml;
  sink_yaml << sink_file.rdbuf();
  // The file's first line becomes the list item, the others its continuation.
  std::string entry;
  for (std::string line; std::getline(sink_yaml, line);) entry += (entry.empty() ? "      - " : "        ") + line + "\n";
  const std::string yaml = "data_dir: d\npipelines:\n  p:\n    from: ENTRY\n    to:\n" + entry;
  auto config = caudal::config::parse_config(yaml, "bench.yaml", caudal::config::MapEnvironment());
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  auto definition = caudal::pipeline::compile_pipeline(*config, "p", nullptr);
  if (!definition.ok()) {
    std::cerr << definition.status().message() << "\n";
    return 1;
  }
  caudal::metrics::Registry registry;
  auto sink = caudal::pipeline::connectors::open_connector_sink((*definition)->sinks[0], "bench",
                                                                std::make_unique<FailingDeadLetters>(), registry);
  if (!sink.ok()) {
    std::cerr << sink.status().message() << "\n";
    return 1;
  }
  std::vector<std::shared_ptr<SinkBatch>> batches;
  size_t events = 0;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);) {
    if (batches.empty() || batches.back()->size() == 1000) batches.push_back(std::make_shared<SinkBatch>());
    const size_t begin = batches.back()->buffer().size();
    batches.back()->buffer().append(line);
    batches.back()->finish_record(begin, std::nullopt, 1700000000000 + static_cast<int64_t>(events));
    ++events;
  }
  std::mutex mutex;
  std::condition_variable acked;
  size_t pending = batches.size();
  const auto start = std::chrono::steady_clock::now();
  for (auto& batch : batches) {
    (*sink)->write(batch, [&](const caudal::Status& status) {
      if (!status.ok()) std::cerr << "failed: " << status.message() << "\n";
      std::lock_guard lock(mutex);
      if (--pending == 0) acked.notify_all();
    });
  }
  {
    std::unique_lock lock(mutex);
    acked.wait(lock, [&] { return pending == 0; });
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format("{} events in {:.3f} s: {:.0f} events/s\n", events, seconds, events / seconds);
  return 0;
}
