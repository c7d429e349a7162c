// AppendPlan: the events of one request, sorted into Kafka record batches per topic and
// partition, then appended. Building is separate from appending, so a request is validated
// whole, and refused whole, before anything reaches the log.
//
// Batching: keyed events go to their key's partition, unkeyed ones to one partition per topic
// chosen for this request (partitioner.h). A partition's events form one batch, cut into
// several only where one would pass the topic's max_message_bytes. Each batch is one append:
// atomic on its own, and the batches of one partition land in the order they were built.
// The records are written straight into the event loop's shared batches (append_coalescer.h),
// next to those of the other requests of the same loop turn: a plan's "batch" is its
// contiguous run of records in one shared batch, and its outcome carries that run's offsets.
// A plan destroyed without append() cuts its records back out.
//
// Threads: built and appended on the thread running `loop`'s io_context, and appended or
// destroyed before that thread returns to its loop (another request's records may follow it
// into the shared batches only after that). The completion runs on the executor given to
// append().
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/container/small_vector.hpp>

#include "common/result.h"
#include "http/ingest/append_coalescer.h"
#include "http/ingest/enrichment.h"
#include "http/ingest/topic_directory.h"
#include "log/partition.h"
#include "log/record_batch_builder.h"

namespace caudal::http {

// Where an added event went: batch `batch` of the plan, record `index` within it (so its offset
// is the batch's base offset plus `index`).
struct EventRef {
  uint32_t batch = 0;
  uint32_t index = 0;
};

class AppendPlan {
 public:
  struct Batch {
    std::shared_ptr<const TopicInfo> topic;
    int32_t partition = 0;
    uint32_t records = 0;
    uint64_t bytes = 0;  // keys and values of its events
  };
  using Outcomes = std::vector<Result<log::AppendResult>>;  // one per batch, in plan order

  // Events get `received` as their timestamp and, per their topic's settings, the enrichment
  // headers of a request from `client_address` to `host` (both borrowed until the last add()).
  AppendPlan(const boost::asio::any_io_executor& loop,
             std::chrono::system_clock::time_point received, std::string_view client_address,
             std::string_view host);
  ~AppendPlan();
  AppendPlan(const AppendPlan&) = delete;
  AppendPlan& operator=(const AppendPlan&) = delete;

  // Adds one event; its bytes are copied. http::Errc::kEventTooLarge when the event alone, as
  // a record batch, exceeds the topic's max_message_bytes; the plan is unchanged then.
  Result<EventRef> add(const std::shared_ptr<const TopicInfo>& topic,
                       std::optional<std::string_view> key, std::string_view value,
                       std::span<const log::RecordHeader> extra_headers = {});

  size_t event_count() const { return events_; }
  const std::vector<Batch>& batches() const { return batches_; }

  // Hands every batch to the loop's coalescer, which appends them, in plan order, once the
  // loop's current turn ends; returns at once. `done` runs exactly once, on `executor`, after
  // every append has its outcome. Call at most once.
  void append(const boost::asio::any_io_executor& executor, std::function<void(Outcomes)> done);

 private:
  struct TopicState {
    const TopicInfo* topic;
    int32_t sticky_partition;
    size_t first_slot;  // its partitions' entries in open_batches_ start here
  };

  // Where a batch of the plan sits: its shared batch, and the builder's state before the
  // plan's first record there (to cut back to, and to know where the plan's records start).
  struct Slot {
    PendingBatch* pending;
    log::RecordBatchBuilder::Mark start;
  };

  TopicState& state_for(const TopicInfo& topic);
  int32_t start_batch(const std::shared_ptr<const TopicInfo>& topic, int32_t partition,
                      size_t record_bound, size_t limit);

  boost::asio::any_io_executor loop_;
  AppendCoalescer& coalescer_;
  std::chrono::system_clock::time_point received_;
  int64_t timestamp_ms_;
  Enricher enricher_;
  // Inline room for the common request (one topic, a few batches): no allocation for them.
  boost::container::small_vector<TopicState, 1> topics_;
  // Per topic and partition: the index in batches_ of the batch still taking events, or -1.
  boost::container::small_vector<int32_t, 8> open_batches_;
  std::vector<Batch> batches_;
  boost::container::small_vector<Slot, 4> slots_;  // parallel to batches_
  bool handed_over_ = false;
  size_t events_ = 0;
};

}  // namespace caudal::http
