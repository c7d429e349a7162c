#include "http/ingest/append_plan.h"

#include <atomic>

#include <fmt/format.h>

#include "http/errc.h"
#include "http/run_on_loop.h"
#include "log/partitioner.h"
#include "log/record_batch_header.h"

namespace caudal::http {
namespace {

// At most how many bytes a record adds to a batch (docs/record-batches.md: length,
// attributes, timestamp and offset deltas, key and value lengths, header count, each header's
// two lengths; varints at their widest).
size_t record_size_bound(size_t key, size_t value, std::span<const log::RecordHeader> headers) {
  size_t size = 5 + 1 + 10 + 5 + 5 + key + 5 + value + 5;
  for (const log::RecordHeader& header : headers) {
    size += 10 + header.key.size() + (header.value ? header.value->size() : 0);
  }
  return size;
}

}  // namespace

AppendPlan::AppendPlan(const boost::asio::any_io_executor& loop,
                       std::chrono::system_clock::time_point received,
                       std::string_view client_address, std::string_view host)
    : loop_(loop),
      coalescer_(AppendCoalescer::of(loop)),
      received_(received),
      timestamp_ms_(
          std::chrono::duration_cast<std::chrono::milliseconds>(received.time_since_epoch())
              .count()),
      enricher_(received, client_address, host) {}

AppendPlan::~AppendPlan() {
  if (handed_over_) return;
  // Refused or abandoned: nothing of this request may reach the log. Its records are the
  // last ones in each of its shared batches (no other request ran in between).
  for (auto slot = slots_.rbegin(); slot != slots_.rend(); ++slot) {
    slot->pending->builder->truncate(slot->start);
    coalescer_.discard_if_empty(*slot->pending);
  }
}

AppendPlan::TopicState& AppendPlan::state_for(const TopicInfo& topic) {
  for (TopicState& state : topics_) {
    if (state.topic == &topic) return state;
  }
  const auto partitions = static_cast<int32_t>(topic.partitions.size());
  // Not value_or(): choosing a partition moves the loop's rotation on.
  const std::optional<int32_t> gathering = coalescer_.gathering_partition(topic);
  const int32_t sticky = gathering ? *gathering : log::next_sticky_partition(partitions);
  topics_.push_back(TopicState{&topic, sticky, open_batches_.size()});
  open_batches_.insert(open_batches_.end(), static_cast<size_t>(partitions), -1);
  return topics_.back();
}

int32_t AppendPlan::start_batch(const std::shared_ptr<const TopicInfo>& topic, int32_t partition,
                                size_t record_bound, size_t limit) {
  PendingBatch* pending = &coalescer_.batch_for(topic, partition);
  if (!pending->builder->empty() && pending->builder->uncompressed_size() + record_bound > limit) {
    // Other requests filled it: this request's records start the partition's next batch.
    AppendCoalescer::close(*pending);
    pending = &coalescer_.batch_for(topic, partition);
  }
  batches_.push_back(Batch{topic, partition, 0, 0});
  slots_.push_back(Slot{pending, pending->builder->mark()});
  return static_cast<int32_t>(batches_.size() - 1);
}

Result<EventRef> AppendPlan::add(const std::shared_ptr<const TopicInfo>& topic,
                                 std::optional<std::string_view> key, std::string_view value,
                                 std::span<const log::RecordHeader> extra_headers) {
  CAUDAL_CHECK(!handed_over_, "AppendPlan::add() after append()");
  TopicState& state = state_for(*topic);
  const int32_t partition =
      key.has_value() ? log::partition_for_key(*key, static_cast<int32_t>(topic->partitions.size()))
                      : state.sticky_partition;
  std::span<const log::RecordHeader> headers = enricher_.headers(topic->enrich, extra_headers);
  const auto limit = static_cast<size_t>(topic->max_message_bytes);
  const size_t bound = record_size_bound(key ? key->size() : 0, value.size(), headers);

  int32_t& open = open_batches_[state.first_slot + static_cast<size_t>(partition)];
  if (open >= 0) {
    PendingBatch& pending = *slots_[static_cast<size_t>(open)].pending;
    if (pending.builder->uncompressed_size() + bound > limit) {
      AppendCoalescer::close(pending);  // full: later events of this partition start the next
      open = -1;
    }
  }
  const bool fresh = open < 0;
  const int32_t batch_index = fresh ? start_batch(topic, partition, bound, limit) : open;
  const Slot& slot = slots_[static_cast<size_t>(batch_index)];
  log::RecordBatchBuilder& builder = *slot.pending->builder;
  builder.append(timestamp_ms_,
                 key.has_value() ? std::optional<ByteView>(as_bytes(*key)) : std::nullopt,
                 as_bytes(value), headers);
  if (builder.uncompressed_size() > limit) {
    CAUDAL_CHECK(fresh, "a record passed its size bound");
    // Only a record alone in its batch gets here (otherwise the bound would have moved it to
    // a batch of its own): it can never be appended.
    const size_t framed = builder.uncompressed_size() - slot.start.end + log::kBatchHeaderSize;
    builder.truncate(slot.start);
    coalescer_.discard_if_empty(*slot.pending);
    slots_.pop_back();
    batches_.pop_back();
    return Status(Errc::kEventTooLarge,
                  fmt::format("event of {} bytes is {} bytes as a record batch, more than the "
                              "max_message_bytes of topic {} ({})",
                              value.size(), framed, topic->name, limit));
  }
  open = batch_index;
  Batch& batch = batches_[static_cast<size_t>(batch_index)];
  const EventRef ref{static_cast<uint32_t>(batch_index), batch.records};
  ++batch.records;
  batch.bytes += value.size() + (key ? key->size() : 0);
  ++events_;
  return ref;
}

namespace {

// Collects the outcomes of one plan's appends. It owns itself: the count of releases still to
// come is its reference count, and the last release hands the outcomes on and deletes it.
class Completion final : public AppendWaiter {
 public:
  Completion(size_t batches, boost::asio::any_io_executor executor,
             std::function<void(AppendPlan::Outcomes)> done)
      : remaining_(batches + 1),
        outcomes_(batches),
        executor_(std::move(executor)),
        done_(std::move(done)) {}

  void batch_done(uint32_t batch, Result<log::AppendResult> outcome) override {
    outcomes_[batch] = std::move(outcome);
    release();
  }

  // One release per batch, plus one for the loop that hands the batches over (so the
  // outcomes are not handed on before every batch was registered).
  void release() {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    AppendPlan::Outcomes all;
    all.reserve(outcomes_.size());
    for (auto& outcome : outcomes_) all.push_back(std::move(*outcome));
    run_on_loop(executor_, [done = std::move(done_), all = std::move(all)]() mutable {
      done(std::move(all));
    });
    delete this;
  }

 private:
  ~Completion() = default;

  std::atomic<size_t> remaining_;
  std::vector<std::optional<Result<log::AppendResult>>> outcomes_;
  boost::asio::any_io_executor executor_;
  std::function<void(AppendPlan::Outcomes)> done_;
};

}  // namespace

void AppendPlan::append(const boost::asio::any_io_executor& executor,
                        std::function<void(Outcomes)> done) {
  CAUDAL_CHECK(!handed_over_, "AppendPlan::append() called twice");
  handed_over_ = true;
  auto* completion = new Completion(batches_.size(), executor, std::move(done));
  for (size_t i = 0; i < batches_.size(); ++i) {
    PendingBatch& pending = *slots_[i].pending;
    pending.shares.push_back(PendingBatch::Share{
        completion, static_cast<uint32_t>(i), static_cast<uint32_t>(slots_[i].start.record_count),
        batches_[i].records});
  }
  if (!batches_.empty()) coalescer_.schedule(loop_);
  completion->release();
}

}  // namespace caudal::http
