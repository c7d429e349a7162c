// The runtime's delivery contract, against a real log: offsets are committed only after every
// sink acknowledged, a restart resumes from the committed offsets, and a sink that does not
// acknowledge holds the pipeline at max_in_flight records. And the order of the sources:
// `order: time` merges them by record timestamp, the same again after a checkpoint restore.
#include "pipeline/runtime/pipeline_task.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <thread>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/config.h"
#include "log/record_batch_builder.h"
#include "pipeline/definition.h"

namespace caudal::pipeline {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A sink that keeps every write until the test acknowledges it (or acknowledges at once).
class HoldingSink final : public Sink {
 public:
  struct State {
    std::mutex mutex;
    std::vector<std::pair<std::shared_ptr<const SinkBatch>, SinkDone>> held;
    std::vector<std::string> received;
    size_t held_records = 0;
    size_t max_held_records = 0;
    bool auto_ack = false;
  };
  explicit HoldingSink(std::shared_ptr<State> state) : state_(std::move(state)) {}

  void write(std::shared_ptr<const SinkBatch> batch, SinkDone done) override {
    std::unique_lock lock(state_->mutex);
    for (size_t i = 0; i < batch->size(); ++i) state_->received.emplace_back(batch->value(i));
    if (state_->auto_ack) {
      lock.unlock();
      done(Status());
      return;
    }
    state_->held_records += batch->size();
    state_->max_held_records = std::max(state_->max_held_records, state_->held_records);
    state_->held.emplace_back(std::move(batch), std::move(done));
  }

 private:
  std::shared_ptr<State> state_;
};

void release_all(HoldingSink::State& state) {
  std::vector<std::pair<std::shared_ptr<const SinkBatch>, SinkDone>> held;
  {
    std::lock_guard lock(state.mutex);
    held.swap(state.held);
    state.held_records = 0;
  }
  for (auto& [batch, done] : held) done(Status());
}

template <typename F>
bool eventually(F condition, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

class PipelineTaskTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("caudal-pipeline-task-{}-{}", ::getpid(),
                       testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    log::LogOptions options;
    options.data_dir = dir_ / "log";
    options.retention_check_interval = Duration(0);
    auto log = log::Log::open(options);
    ASSERT_TRUE(log.ok()) << log.status().to_string();
    log_ = std::move(log).value();
    log::TopicSettings settings;
    settings.partitions = 2;
    ASSERT_TRUE(log_->create_topic("ENTRY", settings).ok());
    open_store();
  }
  void TearDown() override {
    task_.reset();
    store_.reset();
    log_.reset();
    fs::remove_all(dir_);
  }

  void open_store() {
    auto store = CheckpointStore::open(dir_ / "state");
    ASSERT_TRUE(store.ok()) << store.status().to_string();
    store_ = std::move(store).value();
  }

  // Appends events {"n":first}..{"n":last} to ENTRY, alternating partitions.
  void produce(int first, int last) {
    for (int n = first; n <= last; ++n) {
      log::RecordBatchBuilder builder;
      const std::string value = fmt::format("{{\"n\":{}}}", n);
      builder.append(0, std::nullopt, as_bytes(value));
      auto batch = builder.build();
      ASSERT_TRUE(batch.ok());
      auto partition = log_->partition("ENTRY", log::PartitionId(n % 2));
      ASSERT_TRUE(partition.ok());
      ASSERT_TRUE((*partition)->append(*batch).ok());
    }
  }

  // Appends one record stamped `timestamp_ms`.
  void produce_at(std::string_view topic, int partition, int64_t timestamp_ms, const std::string& value) {
    log::RecordBatchBuilder builder;
    builder.append(timestamp_ms, std::nullopt, as_bytes(value));
    auto batch = builder.build();
    ASSERT_TRUE(batch.ok());
    auto target = log_->partition(topic, log::PartitionId(partition));
    ASSERT_TRUE(target.ok());
    ASSERT_TRUE((*target)->append(*batch).ok());
  }

  void start(std::shared_ptr<HoldingSink::State> state, std::string_view extra = "") {
    start_pipeline(state, fmt::format(R"(data_dir: d
pipelines:
  p:
    from: ENTRY
    to: stdout
    batch_size: 4
    max_in_flight: 8
    commit_interval: 10ms
{})",
                                      extra));
  }

  // Runs pipeline `p` of `yaml` into a HoldingSink over `state`.
  void start_pipeline(std::shared_ptr<HoldingSink::State> state, const std::string& yaml) {
    auto config = config::parse_config(yaml, "caudal.yaml", config::MapEnvironment());
    ASSERT_TRUE(config.ok()) << config.status().message();
    auto definition = compile_pipeline(*config, "p", nullptr);
    ASSERT_TRUE(definition.ok()) << definition.status().message();
    PipelineTaskOptions options;
    options.checkpoints = store_.get();
    options.metrics = &registry_;
    options.idle_wait = 20ms;
    options.open_topic = [this](std::string_view topic) -> Result<std::vector<std::shared_ptr<log::Partition>>> {
      if (!log_->describe_topic(topic).ok()) CAUDAL_RETURN_IF_ERROR(log_->create_topic(topic, log::TopicSettings{}));
      CAUDAL_ASSIGN_OR_RETURN(log::TopicDescription description, log_->describe_topic(topic));
      std::vector<std::shared_ptr<log::Partition>> partitions;
      for (size_t p = 0; p < description.partitions.size(); ++p) {
        CAUDAL_ASSIGN_OR_RETURN(auto partition, log_->partition(topic, log::PartitionId(static_cast<int32_t>(p))));
        partitions.push_back(std::move(partition));
      }
      return partitions;
    };
    options.open_sink = [state](const SinkSpec&) -> Result<std::unique_ptr<Sink>> {
      return std::unique_ptr<Sink>(std::make_unique<HoldingSink>(state));
    };
    auto task = PipelineTask::open(std::move(definition).value(), options);
    ASSERT_TRUE(task.ok()) << task.status().to_string();
    task_ = std::move(task).value();
    task_->start();
  }

  int64_t committed_total() {
    auto offsets = store_->load_offsets("p");
    EXPECT_TRUE(offsets.ok());
    int64_t total = 0;
    for (const auto& [partition, offset] : *offsets) total += offset.value();
    return total;
  }

  fs::path dir_;
  metrics::Registry registry_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<CheckpointStore> store_;
  std::unique_ptr<PipelineTask> task_;
};

TEST_F(PipelineTaskTest, OffsetsAreCommittedOnlyAfterTheSinkAcknowledges) {
  auto state = std::make_shared<HoldingSink::State>();
  produce(0, 5);
  start(state);
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(state->mutex);
    return state->received.size() == 6;
  }));
  std::this_thread::sleep_for(100ms);  // ten commit intervals
  EXPECT_EQ(committed_total(), 0);
  release_all(*state);
  EXPECT_TRUE(eventually([&] { return committed_total() == 6; }));
}

TEST_F(PipelineTaskTest, RestartResumesFromTheCommittedOffsets) {
  auto first = std::make_shared<HoldingSink::State>();
  first->auto_ack = true;
  produce(0, 5);
  start(first);
  ASSERT_TRUE(eventually([&] { return committed_total() == 6; }));
  task_->stop();
  task_.reset();
  produce(6, 9);
  auto second = std::make_shared<HoldingSink::State>();
  second->auto_ack = true;
  start(second);
  ASSERT_TRUE(eventually([&] { return committed_total() == 10; }));
  std::lock_guard lock(second->mutex);
  std::vector<std::string> received = second->received;
  std::sort(received.begin(), received.end());
  EXPECT_EQ(received, (std::vector<std::string>{"{\"n\":6}", "{\"n\":7}", "{\"n\":8}", "{\"n\":9}"}));
}

TEST_F(PipelineTaskTest, AnUnacknowledgingSinkHoldsThePipelineAtMaxInFlight) {
  auto state = std::make_shared<HoldingSink::State>();
  produce(0, 39);
  start(state);
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(state->mutex);
    return state->held_records == 8;
  }));
  std::this_thread::sleep_for(100ms);
  {
    std::lock_guard lock(state->mutex);
    EXPECT_EQ(state->received.size(), 8u) << "read past max_in_flight";
  }
  // Released bit by bit, the pipeline gets through everything, never over the bound.
  ASSERT_TRUE(eventually([&] {
    release_all(*state);
    return committed_total() == 40;
  }));
  std::lock_guard lock(state->mutex);
  EXPECT_EQ(state->received.size(), 40u);
  EXPECT_LE(state->max_held_records, 8u);
}

std::vector<std::string> received(HoldingSink::State& state) {
  std::lock_guard lock(state.mutex);
  return state.received;
}

// ENTRY/0, ENTRY/1 and OK/0 hold interleaved timestamps, appended topic by topic; three
// records tie at 2000, one in each partition.
class SourceOrderTest : public PipelineTaskTest {
 protected:
  void SetUp() override {
    PipelineTaskTest::SetUp();
    ASSERT_TRUE(log_->create_topic("OK", log::TopicSettings{}).ok());
    for (int i = 0; i < 6; ++i) {
      produce_at("ENTRY", 0, 1000 + 3 * i, fmt::format(R"({{"t":{}}})", 1000 + 3 * i));
      produce_at("ENTRY", 1, 1001 + 3 * i, fmt::format(R"({{"t":{}}})", 1001 + 3 * i));
      produce_at("OK", 0, 1002 + 3 * i, fmt::format(R"({{"t":{}}})", 1002 + 3 * i));
    }
    produce_at("OK", 0, 2000, R"({"t":2000,"from":"OK/0"})");
    produce_at("ENTRY", 1, 2000, R"({"t":2000,"from":"ENTRY/1"})");
    produce_at("ENTRY", 0, 2000, R"({"t":2000,"from":"ENTRY/0"})");
  }

  std::vector<std::string> run(std::string_view order) {
    auto state = std::make_shared<HoldingSink::State>();
    state->auto_ack = true;
    start_pipeline(state, fmt::format(R"(data_dir: d
pipelines:
  p:
    from: [ENTRY, OK]
    order: {}
    to: stdout
    batch_size: 4
)",
                                      order));
    EXPECT_TRUE(eventually([&] { return received(*state).size() == 21; }));
    return received(*state);
  }

  static std::vector<std::string> in_time_order() {
    std::vector<std::string> out;
    for (int t = 1000; t < 1018; ++t) out.push_back(fmt::format(R"({{"t":{}}})", t));
    // Ties go by the topic's place in `from`, then the partition.
    out.emplace_back(R"({"t":2000,"from":"ENTRY/0"})");
    out.emplace_back(R"({"t":2000,"from":"ENTRY/1"})");
    out.emplace_back(R"({"t":2000,"from":"OK/0"})");
    return out;
  }
};

TEST_F(SourceOrderTest, TimeOrderProcessesTheRecordsOfAllSourcesByTimestamp) {
  EXPECT_EQ(run("time"), in_time_order());
}

TEST_F(SourceOrderTest, ArrivalOrderReadsPartitionByPartition) {
  const std::vector<std::string> arrival = run("arrival");
  std::vector<std::string> sorted = arrival;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> expected = in_time_order();
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted, expected);          // the same records,
  EXPECT_NE(arrival, in_time_order());  // in another order
}

// Runs of records with equal timestamps, longer than a batch, in every source: a source's
// records go out in a run while they sort before the other heads, ties to the earlier source.
TEST_F(PipelineTaskTest, TimeOrderMergesRunsOfEqualTimestampsBySource) {
  ASSERT_TRUE(log_->create_topic("OK", log::TopicSettings{}).ok());
  // (topic, partition, timestamp, how many), appended in this order.
  const std::vector<std::tuple<std::string, int, int, int>> runs = {
      {"OK", 0, 1005, 2}, {"ENTRY", 1, 1000, 3}, {"ENTRY", 0, 1000, 5}, {"ENTRY", 1, 1005, 4},
      {"ENTRY", 0, 1010, 3}, {"OK", 0, 1010, 1}, {"ENTRY", 1, 1010, 2}, {"ENTRY", 0, 1012, 6}};
  std::map<std::tuple<int, int, int>, std::vector<std::string>> by_place;  // (time, source, n)
  int n = 0;
  for (const auto& [topic, partition, time, count] : runs) {
    const int source = topic == "OK" ? 2 : partition;
    for (int i = 0; i < count; ++i, ++n) {
      const std::string value = fmt::format(R"({{"n":{},"t":{}}})", n, time);
      produce_at(topic, partition, time, value);
      by_place[{time, source, n}].push_back(value);
    }
  }
  std::vector<std::string> expected;
  for (const auto& [place, values] : by_place) expected.insert(expected.end(), values.begin(), values.end());
  auto state = std::make_shared<HoldingSink::State>();
  state->auto_ack = true;
  start_pipeline(state, R"(data_dir: d
pipelines:
  p:
    from: [ENTRY, OK]
    order: time
    to: stdout
    batch_size: 4
)");
  ASSERT_TRUE(eventually([&] { return received(*state).size() == expected.size(); }));
  EXPECT_EQ(received(*state), expected);
}

// A threshold cleared from a second topic: the activations depend on the order of ENTRY and
// OK (in arrival order this test fails), and the count of s1 crosses a restart from the
// checkpoint.
TEST_F(PipelineTaskTest, TimeOrderGoesOnInTheSameOrderAfterACheckpointRestore) {
  ASSERT_TRUE(log_->create_topic("OK", log::TopicSettings{}).ok());
  const std::string yaml = R"yaml(data_dir: d
pipelines:
  p:
    from: [ENTRY, OK]
    order: time
    steps:
      - key_by: id
      - threshold: {count: 3, clear_from: OK}
      - set: {out: "concat(threshold.state, '@', t)"}
      - remove: [threshold, id, t]
    to: stdout
    batch_size: 2
    checkpoint_interval: 10ms
)yaml";
  // ENTRY stamped 1..N (partitions alternating), OK at 3, 7, then 13 and 16 after the restart.
  auto entry = [&](int t) { produce_at("ENTRY", t % 2, t, fmt::format(R"({{"id":"s1","t":{}}})", t)); };
  auto ok = [&](int t) { produce_at("OK", 0, t, fmt::format(R"({{"id":"s1","t":{}}})", t)); };
  for (int t : {1, 2, 4, 5, 6, 8, 9}) entry(t);
  ok(3);
  ok(7);
  auto first = std::make_shared<HoldingSink::State>();
  first->auto_ack = true;
  start_pipeline(first, yaml);
  ASSERT_TRUE(eventually([&] { return received(*first).size() == 2; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(received(*first), (std::vector<std::string>{R"({"out":"active@6"})", R"({"out":"cleared@7"})"}));
  task_->stop();
  task_.reset();

  // s1 has counted 8 and 9: 10 fires it, from the restored state.
  for (int t : {10, 11, 12, 14, 15}) entry(t);
  ok(13);
  ok(16);
  auto second = std::make_shared<HoldingSink::State>();
  second->auto_ack = true;
  start_pipeline(second, yaml);
  ASSERT_TRUE(eventually([&] { return received(*second).size() == 2; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(received(*second), (std::vector<std::string>{R"({"out":"active@10"})", R"({"out":"cleared@13"})"}));
}

}  // namespace
}  // namespace caudal::pipeline
