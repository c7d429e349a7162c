// Event model and expression throughput over the shape: ~100-byte JSON events in
// batches of 1,000, on one core. Beside them, simdjson parsing the same bytes and nothing else
// (DOM parse, and On-Demand visiting every field), the limit the pipeline is measured against.
// Items are events; bytes are event bytes.
//
//   build-dir/bench/expr_bench --benchmark_min_time=1
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "common/check.h"
#include "pipeline/event/event_batch.h"
#include "pipeline/event/json.h"
#include "pipeline/expr/expression.h"

namespace caudal::pipeline {
namespace {

constexpr int kEventsPerBatch = 1000;
constexpr int kDistinctEvents = 10 * kEventsPerBatch;

// Sensor readings shaped like the alarms example, about 100 bytes each.
std::vector<std::string> make_events() {
  std::mt19937 rng(42);
  const char* types[] = {"motion", "smoke", "temperature", "door"};
  std::vector<std::string> events;
  for (int i = 0; i < kDistinctEvents; ++i) {
    std::string type = types[rng() % 4];
    events.push_back("{\"id\":" + std::to_string(rng() % 50000) + ",\"type\":\"" + type +
                     "\",\"temperature\":" + std::to_string(rng() % 600 / 10.0).substr(0, 4) +
                     ",\"motion\":" + (type == "motion" ? "true" : "false") +
                     ",\"site\":\"lyon-" + std::to_string(rng() % 20) +
                     "\",\"ts\":" + std::to_string(1714566600000 + i) + "}");
  }
  return events;
}

const std::vector<std::string>& events() {
  static const std::vector<std::string> e = make_events();
  return e;
}

int64_t total_bytes() {
  int64_t bytes = 0;
  for (const std::string& e : events()) bytes += static_cast<int64_t>(e.size());
  return bytes;
}

// Padded copies, as simdjson wants them (EventBatch pads its own copy the same way).
const std::vector<simdjson::padded_string>& padded_events() {
  static const std::vector<simdjson::padded_string> p = [] {
    std::vector<simdjson::padded_string> out;
    for (const std::string& e : events()) out.emplace_back(e);
    return out;
  }();
  return p;
}

void report(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * kDistinctEvents);
  state.SetBytesProcessed(state.iterations() * total_bytes());
}

// The limit: simdjson's DOM parser validating each event and nothing else.
void BM_SimdjsonDomParse(benchmark::State& state) {
  simdjson::dom::parser parser;
  for (auto _ : state) {
    for (const auto& e : padded_events()) {
      simdjson::dom::element doc;
      CAUDAL_CHECK(parser.parse(e).get(doc) == simdjson::SUCCESS, "benchmark input is JSON");
      benchmark::DoNotOptimize(doc);
    }
  }
  report(state);
}
BENCHMARK(BM_SimdjsonDomParse);

// simdjson On-Demand visiting every top-level field (the work the event parser also does).
void BM_SimdjsonOnDemandVisit(benchmark::State& state) {
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    for (const auto& e : padded_events()) {
      simdjson::ondemand::document doc;
      CAUDAL_CHECK(parser.iterate(e).get(doc) == simdjson::SUCCESS, "benchmark input is JSON");
      size_t fields = 0;
      for (auto field : doc.get_object()) {
        std::string_view key;
        CAUDAL_CHECK(field.unescaped_key().get(key) == simdjson::SUCCESS, "key");
        std::string_view raw = field.value().raw_json_token();
        fields += key.size() + raw.size();
      }
      benchmark::DoNotOptimize(fields);
    }
  }
  report(state);
}
BENCHMARK(BM_SimdjsonOnDemandVisit);

template <typename PerBatch>
void run_batches(benchmark::State& state, PerBatch per_batch) {
  EventBatch batch;
  for (auto _ : state) {
    for (int start = 0; start < kDistinctEvents; start += kEventsPerBatch) {
      batch.clear();
      for (int i = start; i < start + kEventsPerBatch; ++i) {
        CAUDAL_CHECK(batch.append_json(events()[i], SourcePosition{}).ok(), "benchmark input");
      }
      per_batch(batch);
    }
  }
  report(state);
}

// Event parse into the arena, then three field reads per event.
void BM_EventParseGet3(benchmark::State& state) {
  Path id = Path::parse("id").value();
  Path type = Path::parse("type").value();
  Path temperature = Path::parse("temperature").value();
  run_batches(state, [&](EventBatch& batch) {
    for (uint32_t i : batch.selection()) {
      const Event& event = batch.event(i);
      benchmark::DoNotOptimize(event.get(id));
      benchmark::DoNotOptimize(event.get(type));
      benchmark::DoNotOptimize(event.get(temperature));
    }
  });
}
BENCHMARK(BM_EventParseGet3);

// Parse, then the alarms example's drop condition over the whole batch in one call.
void BM_EventParseFilter(benchmark::State& state) {
  Expression drop =
      Expression::compile("not motion and type != 'smoke' and temperature <= 30").value();
  std::vector<EvalFailure> failures;
  run_batches(state, [&](EventBatch& batch) {
    failures.clear();
    drop.filter(batch, false, failures);
    benchmark::DoNotOptimize(batch.selection().size());
  });
}
BENCHMARK(BM_EventParseFilter);

// Parse, set two fields (one computed by an expression), and write every event as JSON.
void BM_EventParseSetSerialize(benchmark::State& state) {
  Expression level = Expression::compile("type == 'motion' ? 1 : 3").value();
  Path level_path = Path::parse("level").value();
  Path region_path = Path::parse("meta.region").value();
  std::vector<Value> values;
  std::vector<EvalFailure> failures;
  std::string out;
  run_batches(state, [&](EventBatch& batch) {
    level.evaluate(batch, values, failures);
    out.clear();
    auto selection = batch.selection();
    for (size_t k = 0; k < selection.size(); ++k) {
      Event& event = batch.event(selection[k]);
      CAUDAL_CHECK(event.set(level_path, values[k]).ok(), "set");
      CAUDAL_CHECK(event.set(region_path, Value::string("eu-west")).ok(), "set");
      event.write_json(out);
      out.push_back('\n');
    }
    benchmark::DoNotOptimize(out.data());
  });
}
BENCHMARK(BM_EventParseSetSerialize);

// Parse, filter, set, and evaluate a route condition: the stateless pipeline's per-event work
// except the lookup (a table probe, src/table) and the sink.
void BM_EventParseFilterSetRoute(benchmark::State& state) {
  Expression drop =
      Expression::compile("not motion and type != 'smoke' and temperature <= 30").value();
  Expression level = Expression::compile("type == 'motion' ? 1 : 3").value();
  Expression route = Expression::compile("level >= 3").value();
  Path level_path = Path::parse("level").value();
  std::vector<Value> values;
  std::vector<EvalFailure> failures;
  std::string urgent;
  std::string other;
  run_batches(state, [&](EventBatch& batch) {
    failures.clear();
    drop.filter(batch, false, failures);
    level.evaluate(batch, values, failures);
    auto selection = batch.selection();
    for (size_t k = 0; k < selection.size(); ++k) {
      CAUDAL_CHECK(batch.event(selection[k]).set(level_path, values[k]).ok(), "set");
    }
    urgent.clear();
    other.clear();
    for (uint32_t i : selection) {
      auto to_urgent = route.test(batch, i);
      batch.event(i).write_json(to_urgent.ok() && *to_urgent ? urgent : other);
    }
    benchmark::DoNotOptimize(urgent.data());
    benchmark::DoNotOptimize(other.data());
  });
}
BENCHMARK(BM_EventParseFilterSetRoute);

// Expression evaluation alone over a parsed batch: the filter's cost per event.
void BM_FilterOnly(benchmark::State& state) {
  Expression drop =
      Expression::compile("not motion and type != 'smoke' and temperature <= 30").value();
  EventBatch batch;
  for (int i = 0; i < kEventsPerBatch; ++i) {
    CAUDAL_CHECK(batch.append_json(events()[i], SourcePosition{}).ok(), "benchmark input");
  }
  std::vector<EvalFailure> failures;
  for (auto _ : state) {
    batch.select_all();
    failures.clear();
    drop.filter(batch, false, failures);
    benchmark::DoNotOptimize(batch.selection().size());
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerBatch);
}
BENCHMARK(BM_FilterOnly);

}  // namespace
}  // namespace caudal::pipeline
BENCHMARK_MAIN();
