// AppendCoalescer: gathers the records of every request an event loop handles in one turn
// into one record batch per partition, and appends those batches once the turn's ready
// handlers have run. A sensor posting one event per request then costs the log a fraction
// of an append (one write, one index entry, one batch header shared by many requests) instead
// of a whole one, and the stored batches are larger, so reads and Fetch do less per event.
//
// Each request keeps its own atomicity and outcome: its records sit contiguously in the
// shared batch (AppendPlan writes them there and cuts them back out if the request is refused
// before it is appended), and when the batch's append completes each request learns its own
// offsets (the batch's base plus where its records start). A failed append fails every
// request in that batch; requests in other batches are unaffected.
//
// Threads: one coalescer per io_context (an asio service), used only on the thread running
// that io_context: the HTTP listener runs one io_context per event loop thread. The appends
// run in a handler posted to the same loop. If the io_context goes away before that handler
// runs, the gathered batches are appended when the coalescer shuts down (their requests'
// answers go nowhere then, but nothing a request handed over is dropped on the floor).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>

#include "common/result.h"
#include "http/ingest/topic_directory.h"
#include "log/partition.h"
#include "log/record_batch_builder.h"

namespace caudal::http {

// Learns the outcome of one of a request's batches. Called once per share, on whichever
// thread completes the append.
class AppendWaiter {
 public:
  virtual void batch_done(uint32_t batch, Result<log::AppendResult> outcome) = 0;

 protected:
  ~AppendWaiter() = default;
};

// One batch being gathered for a partition during a turn.
struct PendingBatch {
  // A request's records in the batch: `count` records from `first`, which the request knows
  // as its batch number `batch`.
  struct Share {
    AppendWaiter* waiter;
    uint32_t batch;
    uint32_t first;
    uint32_t count;
  };

  std::shared_ptr<const TopicInfo> topic;
  int32_t partition = 0;
  std::unique_ptr<log::RecordBatchBuilder> builder;
  std::vector<Share> shares;
  bool open = true;  // still takes records; closed once a request found it full
};

class AppendCoalescer final : public boost::asio::execution_context::service {
 public:
  using key_type = AppendCoalescer;
  static const boost::asio::execution_context::id id;

  explicit AppendCoalescer(boost::asio::execution_context& context);
  ~AppendCoalescer() override;

  // The coalescer of the io_context `executor` belongs to. Call on that io_context's thread.
  static AppendCoalescer& of(const boost::asio::any_io_executor& executor);

  // The batch taking records for `partition` of `topic` this turn; opens one if there is none
  // or the last was closed.
  PendingBatch& batch_for(const std::shared_ptr<const TopicInfo>& topic, int32_t partition);
  // The partition of the newest batch still gathering records of `topic` this turn, if any:
  // unkeyed records join it rather than open a batch of their own elsewhere (the sticky
  // partitioning of Kafka's producers, per loop turn).
  std::optional<int32_t> gathering_partition(const TopicInfo& topic) const;
  // No more records go into `batch`; the partition's next records open a new one.
  static void close(PendingBatch& batch) { batch.open = false; }
  // Forgets `batch` if it holds no records (a request that opened it gave up).
  void discard_if_empty(PendingBatch& batch);

  // Makes sure this turn's batches get appended: posts the appends to `executor` (this
  // io_context's) unless already posted. Shares must be registered before the post runs.
  void schedule(const boost::asio::any_io_executor& executor);

 private:
  void shutdown() override;
  // Appends this turn's batches, in the order they were opened (so one partition's batches
  // land in the order they were filled), and starts the next turn.
  void append_turn();

  std::vector<std::unique_ptr<PendingBatch>> turn_;
  bool posted_ = false;
  // Batches of finished turns, kept with their builders' buffers so a warm loop allocates
  // nothing per turn.
  std::vector<std::unique_ptr<PendingBatch>> spare_;
};

}  // namespace caudal::http
