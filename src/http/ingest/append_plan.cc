#include "http/ingest/append_plan.h"

#include <atomic>

#include <boost/asio/dispatch.hpp>
#include <fmt/format.h>

#include "http/errc.h"
#include "http/ingest/partitioner.h"
#include "log/record_batch_header.h"

namespace caudal::http {
namespace {

// Builders keep their buffers between requests; each thread keeps a few for itself, so the
// hot path allocates nothing once warm.
std::vector<std::unique_ptr<log::RecordBatchBuilder>>& builder_pool() {
  thread_local std::vector<std::unique_ptr<log::RecordBatchBuilder>> pool;
  return pool;
}

constexpr size_t kMaxPooledBuilders = 64;

std::unique_ptr<log::RecordBatchBuilder> take_builder() {
  auto& pool = builder_pool();
  if (pool.empty()) return std::make_unique<log::RecordBatchBuilder>();
  auto builder = std::move(pool.back());
  pool.pop_back();
  return builder;
}

void return_builder(std::unique_ptr<log::RecordBatchBuilder> builder) {
  auto& pool = builder_pool();
  if (builder == nullptr || pool.size() >= kMaxPooledBuilders) return;
  builder->reset();
  pool.push_back(std::move(builder));
}

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

AppendPlan::AppendPlan(std::chrono::system_clock::time_point received,
                       std::string_view client_address, std::string_view host)
    : received_(received),
      timestamp_ms_(
          std::chrono::duration_cast<std::chrono::milliseconds>(received.time_since_epoch())
              .count()),
      enricher_(received, client_address, host) {}

AppendPlan::~AppendPlan() {
  for (auto& builder : builders_) return_builder(std::move(builder));
}

AppendPlan::TopicState& AppendPlan::state_for(const TopicInfo& topic) {
  for (TopicState& state : topics_) {
    if (state.topic == &topic) return state;
  }
  const auto partitions = static_cast<int32_t>(topic.partitions.size());
  topics_.push_back(TopicState{&topic, next_sticky_partition(partitions), open_batches_.size()});
  open_batches_.insert(open_batches_.end(), static_cast<size_t>(partitions), -1);
  return topics_.back();
}

int32_t AppendPlan::start_batch(const std::shared_ptr<const TopicInfo>& topic, int32_t partition) {
  batches_.push_back(Batch{topic, partition, 0, 0});
  builders_.push_back(take_builder());
  return static_cast<int32_t>(batches_.size() - 1);
}

Result<EventRef> AppendPlan::add(const std::shared_ptr<const TopicInfo>& topic,
                                 std::optional<std::string_view> key, std::string_view value,
                                 std::span<const log::RecordHeader> extra_headers) {
  TopicState& state = state_for(*topic);
  const int32_t partition =
      key.has_value() ? partition_for_key(*key, static_cast<int32_t>(topic->partitions.size()))
                      : state.sticky_partition;
  std::span<const log::RecordHeader> headers = enricher_.headers(topic->enrich, extra_headers);
  const auto limit = static_cast<size_t>(topic->max_message_bytes);
  const size_t bound = record_size_bound(key ? key->size() : 0, value.size(), headers);

  int32_t& open = open_batches_[state.first_slot + static_cast<size_t>(partition)];
  if (open >= 0 && builders_[static_cast<size_t>(open)]->uncompressed_size() + bound > limit) {
    open = -1;  // full: later events of this partition start the next batch
  }
  const bool fresh = open < 0;
  const int32_t batch_index = fresh ? start_batch(topic, partition) : open;
  log::RecordBatchBuilder& builder = *builders_[static_cast<size_t>(batch_index)];
  builder.append(timestamp_ms_,
                 key.has_value() ? std::optional<ByteView>(as_bytes(*key)) : std::nullopt,
                 as_bytes(value), headers);
  if (fresh && builder.uncompressed_size() > limit) {
    const size_t framed = builder.uncompressed_size();
    return_builder(std::move(builders_.back()));
    builders_.pop_back();
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
// come is its reference count, and the last release hands the outcomes on and deletes it. (A
// callback then carries a pointer and an index, small enough for std::function to hold
// without allocating.)
class Completion {
 public:
  Completion(size_t batches, boost::asio::any_io_executor executor,
             std::function<void(AppendPlan::Outcomes)> done)
      : remaining_(batches + 1),
        outcomes_(batches),
        executor_(std::move(executor)),
        done_(std::move(done)) {}

  void finish_one(size_t index, Result<log::AppendResult> outcome) {
    outcomes_[index] = std::move(outcome);
    release();
  }

  // An outcome known before its append was issued. Only while the issuing loop's hold is
  // taken, so it never completes (nor deletes) the completion.
  void fail_early(size_t index, Status error) {
    outcomes_[index] = std::move(error);
    remaining_.fetch_sub(1, std::memory_order_acq_rel);
  }

  // One release per batch, plus one for the loop that issues the appends (so the outcomes
  // are not handed on before every append was issued).
  void release() {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    AppendPlan::Outcomes all;
    all.reserve(outcomes_.size());
    for (auto& outcome : outcomes_) all.push_back(std::move(*outcome));
    boost::asio::dispatch(executor_, [done = std::move(done_), all = std::move(all)]() mutable {
      done(std::move(all));
    });
    delete this;
  }

 private:
  std::atomic<size_t> remaining_;
  std::vector<std::optional<Result<log::AppendResult>>> outcomes_;
  boost::asio::any_io_executor executor_;
  std::function<void(AppendPlan::Outcomes)> done_;
};

}  // namespace

void AppendPlan::append(const boost::asio::any_io_executor& executor,
                        std::function<void(Outcomes)> done) {
  auto* completion = new Completion(batches_.size(), executor, std::move(done));
  for (size_t i = 0; i < batches_.size(); ++i) {
    Result<ByteView> built = builders_[i]->build();
    if (!built.ok()) {
      completion->fail_early(i, built.status());
      continue;
    }
    const Batch& batch = batches_[i];
    batch.topic->partitions[static_cast<size_t>(batch.partition)]->append(
        *built, [completion, i](const Result<log::AppendResult>& result) {
          completion->finish_one(i, result);
        });
    // The partition copied the bytes during append(): the builder is free again.
    return_builder(std::move(builders_[i]));
  }
  builders_.clear();
  completion->release();
}

}  // namespace caudal::http
