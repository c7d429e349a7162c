#include "pipeline/connectors/delivery_sink.h"

#include <algorithm>
#include <cmath>
#include <future>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/check.h"
#include "pipeline/connectors/errc.h"
#include "pipeline/dead_letter.h"

namespace caudal::pipeline::connectors {
namespace {

// With an answer in flight (DeliveryReport::poll_soon), how long the delivery thread waits for
// new events before it polls the transport. Events that come meanwhile are delivered at once,
// rendered while the answer is still on its way (a pipeline hands its next batch over moments
// after the previous one is acknowledged); an answer waits at most this long to be read.
constexpr Duration kAnswerPoll = std::chrono::milliseconds(5);

}  // namespace

DeliverySettings delivery_settings(const ConnectorOptions& options) {
  DeliverySettings settings;
  settings.queue_records = std::max<uint64_t>(1, options.number("queue_records"));
  settings.batch_records = std::max<uint64_t>(1, options.number("batch_records"));
  settings.linger = options.duration("linger");
  settings.retry_backoff = std::max(options.duration("retry_backoff"), Duration(std::chrono::milliseconds(1)));
  settings.retry_backoff_max = std::max(options.duration("retry_backoff_max"), settings.retry_backoff);
  settings.max_attempts = options.number("max_attempts");
  return settings;
}

DeliverySink::DeliverySink(std::unique_ptr<Transport> transport, DeliverySettings settings,
                           std::string pipeline, std::string label,
                           std::unique_ptr<Sink> dead_letters, metrics::Registry& registry)
    : transport_(std::move(transport)),
      settings_(settings),
      pipeline_(std::move(pipeline)),
      label_(std::move(label)),
      dead_letters_(std::move(dead_letters)),
      delivered_(registry.counter("caudal_connector_delivered_total", "events a connector's destination took",
                                  {"pipeline", "sink"}).with({pipeline_, label_})),
      dead_lettered_(registry.counter("caudal_connector_dead_lettered_total",
                                      "events a connector gave up or its destination refused, written as dead letters",
                                      {"pipeline", "sink"}).with({pipeline_, label_})),
      retries_(registry.counter("caudal_connector_retries_total", "failed delivery attempts, retried",
                                {"pipeline", "sink"}).with({pipeline_, label_})),
      queued_(registry.gauge("caudal_connector_queued_records", "events written to a connector, not acknowledged yet",
                             {"pipeline", "sink"}).with({pipeline_, label_})),
      random_(std::random_device{}()) {
  thread_ = std::thread([this] { run(); });
}

DeliverySink::~DeliverySink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  if (Status closed = transport_->close(); closed.ok()) {
    taken(0, 0);
  } else {
    spdlog::warn("pipeline {}: closing sink {}: {}", pipeline_, label_, closed.message());
  }
  std::deque<Entry> abandoned;
  {
    std::lock_guard lock(mutex_);
    abandoned.swap(pending_);
    queued_records_ = 0;
  }
  for (Entry& entry : abandoned) {
    entry.done(Status(ConnectorErrc::kClosed, fmt::format("sink {} closed before delivering the batch", label_)));
  }
  queued_.set(0);
}

void DeliverySink::write(std::shared_ptr<const SinkBatch> batch, SinkDone done) {
  if (batch->empty()) {
    done(Status());
    return;
  }
  {
    std::unique_lock lock(mutex_);
    // Room for the batch, or an empty queue (a batch larger than the bound still goes). While
    // waiting, a transport holding events is told to make them durable (gather()).
    waiting_records_ = batch->size();
    changed_.notify_all();
    changed_.wait(lock, [&] { return stopping_ || !writer_stuck(); });
    waiting_records_ = 0;
    if (stopping_) {
      lock.unlock();
      done(Status(ConnectorErrc::kClosed, fmt::format("sink {} is closing", label_)));
      return;
    }
    queued_records_ += batch->size();
    queued_.set(static_cast<double>(queued_records_));
    pending_.push_back(Entry{std::move(batch), std::move(done), 0});
  }
  changed_.notify_all();
}

bool DeliverySink::writer_stuck() const {
  return waiting_records_ > 0 && queued_records_ > 0 && queued_records_ + waiting_records_ > settings_.queue_records;
}

void DeliverySink::flush() {
  {
    std::lock_guard lock(mutex_);
    flushing_ = true;
  }
  changed_.notify_all();
}

void DeliverySink::run() {
  std::vector<RecordRef> records;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      gather(lock, records);
      if (stopping_) return;
    }
    if (records.empty()) {
      bool complete_now;
      {
        std::lock_guard lock(mutex_);
        complete_now = writer_stuck() || flushing_;
      }
      DeliveryReport polled = transport_->poll(complete_now);
      poll_soon_ = polled.poll_soon;
      if (polled.dropped_held) {
        if (!held_lost(std::move(polled.status), 0)) return;
        continue;
      }
      taken(0, polled.held);
      continue;
    }
    if (!deliver(records)) return;
  }
}

void DeliverySink::gather(std::unique_lock<std::mutex>& lock, std::vector<RecordRef>& records) {
  records.clear();
  const auto has_new = [&] { return stopping_ || queued_records_ > taken_ || (taken_ > 0 && (writer_stuck() || flushing_)); };
  if (taken_ > 0) {
    if (!changed_.wait_for(lock, poll_soon_ ? kAnswerPoll : Duration(std::chrono::seconds(1)), has_new)) return;
  } else {
    changed_.wait(lock, has_new);
  }
  if (stopping_ || queued_records_ == taken_) return;
  if (settings_.linger > Duration(0) && queued_records_ - taken_ < settings_.batch_records) {
    const auto deadline = std::chrono::steady_clock::now() + settings_.linger;
    changed_.wait_until(lock, deadline,
                        [&] { return stopping_ || queued_records_ - taken_ >= settings_.batch_records; });
    if (stopping_) return;
  }
  collect(taken_, settings_.batch_records, records);
}

void DeliverySink::collect(size_t skip, size_t limit, std::vector<RecordRef>& records) const {
  for (const Entry& entry : pending_) {
    const size_t left = entry.batch->size() - entry.next;
    if (skip >= left) {
      skip -= left;
      continue;
    }
    for (size_t i = entry.next + skip; i < entry.batch->size() && records.size() < limit; ++i) {
      records.push_back(RecordRef{entry.batch.get(), static_cast<uint32_t>(i)});
    }
    skip = 0;
    if (records.size() >= limit) break;
  }
}

void DeliverySink::taken(size_t finished, size_t held, const std::vector<size_t>& refused) {
  size_t next = 0;
  for (size_t r : refused) {
    add_unsettled(r - next, true);
    add_unsettled(1, false);
    next = r + 1;
  }
  add_unsettled(finished - next, true);
  size_t durable;
  {
    std::lock_guard lock(mutex_);
    taken_ += finished;
    durable = taken_ - std::min(held, taken_);
    taken_ -= durable;
  }
  if (durable > 0) {
    held_losses_ = 0;
    delivered_.inc(settle(durable));
    finish(durable);
  }
}

void DeliverySink::add_unsettled(size_t events, bool delivered) {
  if (events == 0) return;
  if (!unsettled_.empty() && unsettled_.back().delivered == delivered) {
    unsettled_.back().events += events;
  } else {
    unsettled_.push_back(Run{events, delivered});
  }
}

size_t DeliverySink::settle(size_t events) {
  size_t delivered = 0;
  while (events > 0) {
    CAUDAL_CHECK(!unsettled_.empty(), "every event settled was taken");
    Run& front = unsettled_.front();
    const size_t take = std::min(events, front.events);
    if (front.delivered) delivered += take;
    front.events -= take;
    events -= take;
    if (front.events == 0) unsettled_.pop_front();
  }
  return delivered;
}

bool DeliverySink::held_lost(Status why, size_t attempted) {
  if (why.ok()) why = Status(ConnectorErrc::kIo, "the transport dropped the events it held");
  ++held_losses_;
  std::vector<RecordRef> lost;
  {
    std::lock_guard lock(mutex_);
    if (settings_.max_attempts > 0 && held_losses_ >= settings_.max_attempts) collect(0, taken_ + attempted, lost);
    taken_ = 0;  // gathered again from the first of them, so they are offered again in order
  }
  unsettled_.clear();  // counted when they are delivered again
  if (!lost.empty()) {
    const std::string reason = fmt::format("gave up after {} attempts: {}", held_losses_, why.message());
    std::vector<std::pair<RecordRef, std::string>> rejected;
    for (const RecordRef& record : lost) rejected.emplace_back(record, reason);
    spdlog::warn("pipeline {}: sink {}: {} held events lost, writing them as dead letters: {}", pipeline_, label_,
                 lost.size(), why.message());
    if (!dead_letter(rejected)) return false;
    held_losses_ = 0;
    dead_lettered_.inc(lost.size());
    finish(lost.size());
    return true;
  }
  retries_.inc();
  spdlog::warn("pipeline {}: sink {}: held events lost, writing them again: {}", pipeline_, label_, why.message());
  return pause(held_losses_);
}

bool DeliverySink::deliver(const std::vector<RecordRef>& records) {
  size_t start = 0;
  uint64_t attempt = 0;
  while (start < records.size()) {
    ++attempt;
    const std::span<const RecordRef> rest(records.data() + start, records.size() - start);
    DeliveryReport report = transport_->deliver(rest);
    report.done = std::min(report.done, rest.size());
    poll_soon_ = report.poll_soon;
    // The records of this call are gathered again after the held ones, so deliver() starts over.
    if (report.dropped_held) return held_lost(std::move(report.status), rest.size());
    std::vector<std::pair<RecordRef, std::string>> rejected;
    std::vector<size_t> refused;  // their indexes in `rest`
    for (Rejection& r : report.rejected) {
      if (r.index < report.done) {
        rejected.emplace_back(rest[r.index], std::move(r.reason));
        refused.push_back(r.index);
      }
    }
    size_t finished = report.done;
    if (!report.status.ok()) {
      if (settings_.max_attempts > 0 && attempt >= settings_.max_attempts) {
        const std::string reason = fmt::format("gave up after {} attempts: {}", attempt, report.status.message());
        for (size_t i = report.done; i < rest.size(); ++i) {
          rejected.emplace_back(rest[i], reason);
          refused.push_back(i);
        }
        finished = rest.size();
      } else {
        retries_.inc();
        spdlog::warn("pipeline {}: sink {}: delivery failed (attempt {}), retrying: {}", pipeline_, label_, attempt,
                     report.status.message());
      }
    } else if (report.throttled_for <= Duration(0)) {
      finished = rest.size();
    }
    if (!rejected.empty() && !dead_letter(rejected)) return false;
    dead_lettered_.inc(rejected.size());
    std::sort(refused.begin(), refused.end());
    refused.erase(std::unique(refused.begin(), refused.end()), refused.end());
    taken(finished, report.held, refused);
    start += finished;
    if (start < records.size()) {
      if (report.status.ok()) {
        if (!sleep(report.throttled_for)) return false;
        attempt = 0;
        continue;
      }
      if (report.done > 0) attempt = 0;  // progress: the next failure starts a fresh backoff
      if (!pause(std::max<uint64_t>(attempt, 1))) return false;
    }
  }
  return true;
}

bool DeliverySink::dead_letter(const std::vector<std::pair<RecordRef, std::string>>& rejected) {
  auto batch = std::make_shared<SinkBatch>();
  for (const auto& [record, reason] : rejected) {
    DeadLetterEnvelope envelope;
    envelope.pipeline = pipeline_;
    envelope.reason = reason;
    envelope.sink = label_;
    envelope.source = record.batch->source(record.index);
    envelope.event_json = record.value();
    const size_t begin = batch->buffer().size();
    write_dead_letter(envelope, batch->buffer());
    batch->finish_record(begin, envelope.source.key, envelope.source.timestamp_ms);
  }
  for (uint64_t attempt = 1;; ++attempt) {
    auto promise = std::make_shared<std::promise<Status>>();
    std::future<Status> acked = promise->get_future();
    dead_letters_->write(batch, [promise](const Status& status) { promise->set_value(status); });
    const Status status = acked.get();
    if (status.ok()) return true;
    spdlog::warn("pipeline {}: sink {}: writing {} dead letters failed, retrying: {}", pipeline_, label_,
                 rejected.size(), status.message());
    if (!pause(attempt)) return false;
  }
}

void DeliverySink::finish(size_t count) {
  std::vector<Entry> acknowledged;
  {
    std::lock_guard lock(mutex_);
    queued_records_ -= count;
    while (count > 0) {
      Entry& front = pending_.front();
      const size_t take = std::min(count, front.batch->size() - front.next);
      front.next += take;
      count -= take;
      if (front.next == front.batch->size()) {
        acknowledged.push_back(std::move(front));
        pending_.pop_front();
      }
    }
    queued_.set(static_cast<double>(queued_records_));
  }
  changed_.notify_all();
  for (Entry& entry : acknowledged) entry.done(Status());
}

bool DeliverySink::pause(uint64_t attempt) {
  const double base = std::chrono::duration<double>(settings_.retry_backoff).count();
  const double ceiling = std::chrono::duration<double>(settings_.retry_backoff_max).count();
  const double full = std::min(ceiling, base * std::pow(2.0, static_cast<double>(std::min<uint64_t>(attempt - 1, 40))));
  const double jittered = full * std::uniform_real_distribution<double>(0.5, 1.0)(random_);
  return sleep(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(jittered)));
}

bool DeliverySink::sleep(Duration duration) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, duration, [&] { return stopping_; });
}

}  // namespace caudal::pipeline::connectors
