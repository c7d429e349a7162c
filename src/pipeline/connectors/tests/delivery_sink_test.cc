// The delivery machinery with a scripted transport: order, retry from the first undelivered
// event, dead letters before the acknowledgement, backpressure, closing.
#include "pipeline/connectors/delivery_sink.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "pipeline/connectors/errc.h"
#include "pipeline/connectors/tests/test_servers.h"

namespace caudal::pipeline::connectors::testing {
namespace {

using namespace std::chrono_literals;

// Delivers what `script` lets it: each call pops the number of events to take (all when the
// script is empty) and whether to fail after them.
class ScriptedTransport final : public Transport {
 public:
  struct State {
    std::mutex mutex;
    std::vector<std::string> delivered;
    std::vector<std::pair<size_t, bool>> script;  // (events taken, then fail)
    std::vector<std::string> reject;              // values refused for good
    std::atomic<bool> block{false};
    std::atomic<int> calls{0};
  };
  explicit ScriptedTransport(std::shared_ptr<State> state) : state_(std::move(state)) {}

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    while (state_->block) std::this_thread::sleep_for(5ms);
    ++state_->calls;
    std::lock_guard lock(state_->mutex);
    DeliveryReport report;
    size_t take = records.size();
    bool fail = false;
    if (!state_->script.empty()) {
      std::tie(take, fail) = state_->script.front();
      state_->script.erase(state_->script.begin());
      take = std::min(take, records.size());
    }
    for (size_t i = 0; i < take; ++i) {
      const std::string value(records[i].value());
      if (std::find(state_->reject.begin(), state_->reject.end(), value) != state_->reject.end()) {
        report.rejected.push_back(Rejection{i, "refused: " + value});
      } else {
        state_->delivered.push_back(value);
      }
    }
    report.done = take;
    if (fail) report.status = Status(ConnectorErrc::kUnavailable, "scripted failure");
    return report;
  }

 private:
  std::shared_ptr<State> state_;
};

// Holds every event it takes until poll() reads the (immediate) answer: a load in flight.
class AnsweringTransport final : public Transport {
 public:
  DeliveryReport deliver(std::span<const RecordRef> records) override {
    DeliveryReport report;
    report.done = records.size();
    report.held = records.size();
    report.poll_soon = true;
    return report;
  }
  DeliveryReport poll(bool) override { return DeliveryReport{}; }
};

// A pipelined writer: each delivery's events wait for an answer that `answered` lets through
// (poll() says it is still on its way until then; the next delivery reads it). With
// `lose_first`, the first answer is a failure: the events it held are given back.
class LateAnswerTransport final : public Transport {
 public:
  struct State {
    std::atomic<bool> answered{false};
    std::atomic<bool> lose_first{false};
    std::atomic<int> delivers{0};
    std::mutex mutex;
    std::vector<std::string> written;  // every event of every write, answered or not
  };
  explicit LateAnswerTransport(std::shared_ptr<State> state) : state_(std::move(state)) {}

  DeliveryReport deliver(std::span<const RecordRef> records) override {
    ++state_->delivers;
    if (held_ > 0 && state_->lose_first.exchange(false)) return lost();
    std::lock_guard lock(state_->mutex);
    for (const RecordRef& record : records) state_->written.emplace_back(record.value());
    DeliveryReport report;
    report.done = records.size();
    held_ = records.size();
    report.held = held_;
    report.poll_soon = true;
    return report;
  }

  DeliveryReport poll(bool complete_now) override {
    DeliveryReport report;
    if (held_ == 0) return report;
    if (!complete_now && !state_->answered) {
      report.held = held_;
      report.poll_soon = true;
      return report;
    }
    if (state_->lose_first.exchange(false)) return lost();
    held_ = 0;
    return report;
  }

 private:
  DeliveryReport lost() {
    held_ = 0;
    DeliveryReport report;
    report.status = Status(ConnectorErrc::kUnavailable, "the write in flight failed");
    report.dropped_held = true;
    return report;
  }

  std::shared_ptr<State> state_;
  size_t held_ = 0;
};

class DeliverySinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<DeliverySink> open(DeliverySettings settings) {
    settings.retry_backoff = 1ms;
    settings.retry_backoff_max = 5ms;
    return std::make_unique<DeliverySink>(std::make_unique<ScriptedTransport>(transport_), settings, "p", "test",
                                          std::make_unique<CapturingSink>(dead_letters_), registry_);
  }

  std::shared_ptr<ScriptedTransport::State> transport_ = std::make_shared<ScriptedTransport::State>();
  std::shared_ptr<CapturingSink::State> dead_letters_ = std::make_shared<CapturingSink::State>();
  metrics::Registry registry_;
  Acks acks_;
};

TEST_F(DeliverySinkTest, RetriesFromTheFirstUndeliveredEventSoEachArrivesOnceInOrder) {
  transport_->script = {{1, true}, {0, true}, {2, true}};
  DeliverySettings settings;
  settings.batch_records = 10;
  auto sink = open(settings);
  sink->write(json_batch({"1", "2", "3"}), acks_.callback());
  sink->write(json_batch({"4", "5"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(2, 5s));
  std::lock_guard lock(transport_->mutex);
  EXPECT_EQ(transport_->delivered, (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_NE(registry_.render().find("caudal_connector_retries_total{pipeline=\"p\",sink=\"test\"} 3"), std::string::npos);
  EXPECT_NE(registry_.render().find("caudal_connector_delivered_total{pipeline=\"p\",sink=\"test\"} 5"), std::string::npos);
}

TEST_F(DeliverySinkTest, RefusedEventsAreDeadLetteredWithTheirSourceBeforeTheBatchIsAcknowledged) {
  transport_->reject = {R"({"bad":true})"};
  auto sink = open(DeliverySettings{});
  // The events as the runtime hands them over: each with the record it came from.
  auto batch = std::make_shared<SinkBatch>();
  const std::vector<std::string> values = {R"({"ok":1})", R"({"bad":true})", R"({"ok":2})"};
  for (size_t i = 0; i < values.size(); ++i) {
    SourcePosition source;
    source.topic = i == 1 ? "ENTRY" : "OTHER";
    source.partition = log::PartitionId(3);
    source.offset = log::Offset(40 + static_cast<int64_t>(i));
    source.timestamp_ms = 1700000000123;
    source.key = "device-7";
    const size_t begin = batch->buffer().size();
    batch->buffer().append(values[i]);
    batch->finish_record(begin, std::string_view("sink-key"), source);
  }
  sink->write(batch, acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 5s));
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 1u);
  EXPECT_EQ(dead_letters_->records[0],
            R"({"pipeline":"p","reason":"refused: {\"bad\":true}","sink":"test","source":{"topic":"ENTRY","partition":3,)"
            R"("offset":41,"timestamp":1700000000123,"key":"device-7"},"event":{"bad":true}})");
  EXPECT_EQ(transport_->delivered, (std::vector<std::string>{R"({"ok":1})", R"({"ok":2})"}));
}

TEST_F(DeliverySinkTest, EventsGivenUpAfterMaxAttemptsNameTheirSourceToo) {
  transport_->script = {{0, true}, {0, true}};
  DeliverySettings settings;
  settings.max_attempts = 2;
  auto sink = open(settings);
  auto batch = std::make_shared<SinkBatch>();
  SourcePosition source;
  source.topic = "ENTRY";
  source.partition = log::PartitionId(0);
  source.offset = log::Offset(9);
  source.timestamp_ms = 1700000000000;
  batch->buffer().append(R"({"n":1})");
  batch->finish_record(0, std::nullopt, source);
  sink->write(batch, acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 5s));
  std::lock_guard lock(dead_letters_->mutex);
  ASSERT_EQ(dead_letters_->records.size(), 1u);
  EXPECT_EQ(dead_letters_->records[0],
            R"({"pipeline":"p","reason":"gave up after 2 attempts: scripted failure","sink":"test",)"
            R"("source":{"topic":"ENTRY","partition":0,"offset":9,"timestamp":1700000000000},"event":{"n":1}})");
}

TEST_F(DeliverySinkTest, AFullQueueHoldsTheWriterUntilThereIsRoom) {
  transport_->block = true;
  DeliverySettings settings;
  settings.queue_records = 2;
  auto sink = open(settings);
  sink->write(json_batch({"1", "2"}), acks_.callback());
  std::atomic<bool> third_written{false};
  std::thread writer([&] {
    sink->write(json_batch({"3"}), acks_.callback());
    third_written = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(third_written) << "write() returned although the queue held queue_records events";
  transport_->block = false;
  writer.join();
  EXPECT_TRUE(third_written);
  ASSERT_TRUE(acks_.wait(2, 5s));
}

TEST_F(DeliverySinkTest, LingerGathersQueuedBatchesIntoOneDelivery) {
  DeliverySettings settings;
  settings.batch_records = 4;
  settings.linger = 300ms;
  auto sink = open(settings);
  sink->write(json_batch({"1"}), acks_.callback());
  sink->write(json_batch({"2", "3"}), acks_.callback());
  sink->write(json_batch({"4"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(3, 5s));
  EXPECT_EQ(transport_->calls.load(), 1);
}

TEST_F(DeliverySinkTest, ClosingFailsWhatIsStillQueued) {
  transport_->script = {{0, true}};
  DeliverySettings settings;
  auto sink = open(settings);
  transport_->block = true;
  sink->write(json_batch({"1"}), acks_.callback());
  std::thread release([&] {
    std::this_thread::sleep_for(50ms);
    transport_->block = false;
  });
  sink.reset();
  release.join();
  EXPECT_EQ(acks_.ok(), 0u);
  EXPECT_EQ(acks_.failed(), 1u);
}

TEST_F(DeliverySinkTest, HeldEventsWhoseAnswerIsInFlightArePolledAtOnce) {
  DeliverySink sink(std::make_unique<AnsweringTransport>(), DeliverySettings{}, "p", "test",
                    std::make_unique<CapturingSink>(dead_letters_), registry_);
  const auto started = std::chrono::steady_clock::now();
  sink.write(json_batch({R"({"a":1})"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(1, 5s));
  // Without poll_soon the machinery polls held events about a second later.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
}

TEST_F(DeliverySinkTest, EventsThatComeWhileAnAnswerIsOnItsWayAreDeliveredWithoutWaitingForIt) {
  auto state = std::make_shared<LateAnswerTransport::State>();
  DeliverySettings settings;
  settings.retry_backoff = 1ms;
  DeliverySink sink(std::make_unique<LateAnswerTransport>(state), settings, "p", "test",
                    std::make_unique<CapturingSink>(dead_letters_), registry_);
  sink.write(json_batch({"1"}), acks_.callback());
  // The first answer does not come: the machinery polls for it and keeps taking new events.
  std::this_thread::sleep_for(50ms);
  sink.write(json_batch({"2"}), acks_.callback());
  ASSERT_TRUE(eventually([&] { return state->delivers.load() == 2; }, 2s));
  EXPECT_EQ(acks_.ok(), 1u);  // the second delivery read the first answer
  state->answered = true;
  ASSERT_TRUE(acks_.wait(2, 2s));
}

TEST_F(DeliverySinkTest, HeldEventsLostAndDeliveredAgainCountOnceAsDelivered) {
  auto state = std::make_shared<LateAnswerTransport::State>();
  state->lose_first = true;
  state->answered = true;
  DeliverySettings settings;
  settings.retry_backoff = 1ms;
  auto sink = std::make_unique<DeliverySink>(std::make_unique<LateAnswerTransport>(state), settings, "p", "test",
                                             std::make_unique<CapturingSink>(dead_letters_), registry_);
  sink->write(json_batch({"1", "2"}), acks_.callback());
  sink->write(json_batch({"3"}), acks_.callback());
  ASSERT_TRUE(acks_.wait(2, 5s));
  sink.reset();
  {
    std::lock_guard lock(state->mutex);
    // One event per delivery: "1" was written twice, its first write's answer lost.
    EXPECT_EQ(state->written, (std::vector<std::string>{"1", "1", "2", "3"}));
  }
  EXPECT_NE(registry_.render().find("caudal_connector_delivered_total{pipeline=\"p\",sink=\"test\"} 3"),
            std::string::npos) << registry_.render();
  EXPECT_NE(registry_.render().find("caudal_connector_retries_total{pipeline=\"p\",sink=\"test\"} 1"),
            std::string::npos) << registry_.render();
}

}  // namespace
}  // namespace caudal::pipeline::connectors::testing
