// DeliverySink: the machinery every connector shares, around its Transport.
//
// - A bounded queue: write() hands a batch over and returns; when the queue already holds
//   `queue_records` events, write() waits for room. That wait is the pipeline's backpressure
//   (the runtime also bounds what it has in flight); nothing here runs on an event loop.
// - One delivery thread per sink: it takes up to `batch_records` queued events (waiting up to
//   `linger` for a batch to fill), calls Transport::deliver(), and acknowledges a SinkBatch
//   (its `done`) only once every one of its events is delivered or dead-lettered, so the
//   pipeline's at-least-once offset contract holds. Events go out in the order written.
// - Retries: a transient failure (DeliveryReport::status) is retried from the first event not
//   delivered, after a pause of `retry_backoff` doubling to `retry_backoff_max`, each pause
//   drawn at random between half and all of it (jitter, so sinks restarting together spread
//   out). With `max_attempts` > 0 the events are given up after that many attempts.
// - Held events: a transport may keep events before they are durable (the file sink's open
//   file: a file is complete or absent); they are acknowledged when it says they are durable.
//   When it says it lost them instead (its file could not be completed, in deliver() or in
//   poll()), they are offered again after a backoff, from the first of them, and with
//   `max_attempts` > 0 given up as dead letters after that many losses in a row: never
//   acknowledged as delivered. Held events whose answer is in flight (poll_soon: a pipelined
//   write) are polled when no new event comes within a few milliseconds, and again as long
//   as poll() says the answer is still on its way; new events go to deliver() at once, so the
//   transport renders them while the previous write is answered.
// - Dead letters: events the destination refused for good (DeliveryReport::rejected) and
//   events given up are written to the pipeline's dead-letter topic with the reason, and the
//   batch is acknowledged only after that write is acknowledged.
// - Metrics, labels {pipeline, sink}:
//     caudal_connector_delivered_total      events the destination took
//     caudal_connector_dead_lettered_total  events given up or refused, written as dead letters
//     caudal_connector_retries_total        failed delivery attempts, retried
//     caudal_connector_queued_records       events written to the sink, not acknowledged yet
//
// Threads: write() from the owning pipeline task's thread; `done` runs on the delivery thread.
// The destructor stops the delivery thread after its current attempt (bounded by the
// transport's timeouts); batches still queued get ConnectorErrc::kClosed and are read again
// from the source after a restart.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics/registry.h"
#include "pipeline/connectors/connector.h"

namespace caudal::pipeline::connectors {

struct DeliverySettings {
  size_t queue_records = 10000;
  size_t batch_records = 1;
  Duration linger = Duration(0);
  Duration retry_backoff = std::chrono::milliseconds(100);
  Duration retry_backoff_max = std::chrono::seconds(30);
  uint64_t max_attempts = 0;  // 0: until delivered
};

// The settings of delivery_options() as parsed.
DeliverySettings delivery_settings(const ConnectorOptions& options);

class DeliverySink final : public Sink {
 public:
  // `dead_letters` writes to the pipeline's dead-letter topic; it is called from the delivery
  // thread only. Starts the delivery thread.
  DeliverySink(std::unique_ptr<Transport> transport, DeliverySettings settings, std::string pipeline,
               std::string label, std::unique_ptr<Sink> dead_letters, metrics::Registry& registry);
  ~DeliverySink() override;

  void write(std::shared_ptr<const SinkBatch> batch, SinkDone done) override;
  // From now on the transport makes held events durable as soon as it has taken the queue
  // (Transport::poll with complete_now), instead of at its size or age limit.
  void flush() override;

 private:
  struct Entry {
    std::shared_ptr<const SinkBatch> batch;
    SinkDone done;
    size_t next = 0;  // events before it are finished
  };

  void run();
  // write() waits for room that only acknowledgements make: the events held must become
  // durable now (mutex_ held). False as soon as there is room, before the writer wakes up,
  // so a transport with an answer in flight is not made to wait for it while the writer
  // hands over the next events.
  bool writer_stuck() const;
  // Takes the next delivery's events from pending_, after those the transport holds (the
  // lock held by `lock`). Empty `records`: none came within a second while events are held.
  void gather(std::unique_lock<std::mutex>& lock, std::vector<RecordRef>& records);
  // Up to `limit` unfinished events of pending_ after the first `skip` (mutex_ held).
  void collect(size_t skip, size_t limit, std::vector<RecordRef>& records) const;
  // The transport lost the events it held (`why`), in a deliver() of `attempted` more (0 in
  // poll()): offers them again after a backoff, or after max_attempts losses in a row writes
  // them and the attempted ones as dead letters. False when stopped first.
  bool held_lost(Status why, size_t attempted);
  // The transport took `finished` more events, `refused` of them (indexes among them, in
  // order) dead-lettered, and now holds `held`: acknowledges the rest, counting as delivered
  // those that were not refused.
  void taken(size_t finished, size_t held, const std::vector<size_t>& refused = {});
  // Appends `events` taken events to unsettled_.
  void add_unsettled(size_t events, bool delivered);
  // Removes the first `events` of unsettled_: how many of them were delivered.
  size_t settle(size_t events);
  // Delivers `records` until each is delivered or given up; false when stopped first.
  bool deliver(const std::vector<RecordRef>& records);
  // Writes dead letters for `records[i]` with reasons, waiting for the acknowledgement
  // (retried while it fails); false when stopped first.
  bool dead_letter(const std::vector<std::pair<RecordRef, std::string>>& rejected);
  // Marks `count` events finished from the front of pending_ and acknowledges whole batches.
  void finish(size_t count);
  // Sleeps for the backoff of `attempt` (1-based); false when stopping.
  bool pause(uint64_t attempt);
  // Sleeps for `duration`; false when stopping.
  bool sleep(Duration duration);

  std::unique_ptr<Transport> transport_;
  const DeliverySettings settings_;
  const std::string pipeline_;
  const std::string label_;
  std::unique_ptr<Sink> dead_letters_;
  metrics::Counter& delivered_;
  metrics::Counter& dead_lettered_;
  metrics::Counter& retries_;
  metrics::Gauge& queued_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Entry> pending_;  // written, not acknowledged; the front is being delivered
  size_t queued_records_ = 0;  // unfinished events in pending_
  size_t taken_ = 0;            // events at the front of pending_ the transport holds
  size_t waiting_records_ = 0;  // the size of the batch write() waits to queue; 0: none waits
  bool flushing_ = false;        // flush() was called: hold nothing back
  bool stopping_ = false;
  std::mt19937_64 random_;  // delivery thread only
  uint64_t held_losses_ = 0;  // held events lost in a row (delivery thread only)
  bool poll_soon_ = false;    // the last report's or poll's poll_soon (delivery thread only)
  // The events taken and not acknowledged yet (the held ones), in runs: delivered_ counts
  // them once they are durable, so events whose hold was lost and that are delivered again
  // count once (delivery thread only).
  struct Run {
    size_t events;
    bool delivered;  // false: refused, dead-lettered
  };
  std::deque<Run> unsettled_;
  std::thread thread_;
};

}  // namespace caudal::pipeline::connectors
