#include "http/ingest/append_coalescer.h"

#include <algorithm>

#include <boost/asio/execution/context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>

#include "common/check.h"

namespace caudal::http {
namespace {

// Spare batches kept per loop: enough for the partitions one busy turn touches.
constexpr size_t kMaxSpareBatches = 64;

// Completes every share of `batch` with the outcome of its append.
void complete_shares(const std::vector<PendingBatch::Share>& shares,
                     const Result<log::AppendResult>& outcome) {
  for (const PendingBatch::Share& share : shares) {
    if (!outcome.ok()) {
      share.waiter->batch_done(share.batch, outcome.status());
      continue;
    }
    log::AppendResult mine = *outcome;
    mine.base_offset = log::Offset(outcome->base_offset.value() + share.first);
    mine.last_offset = log::Offset(mine.base_offset.value() + share.count - 1);
    share.waiter->batch_done(share.batch, mine);
  }
}

}  // namespace

const boost::asio::execution_context::id AppendCoalescer::id;

AppendCoalescer::AppendCoalescer(boost::asio::execution_context& context)
    : boost::asio::execution_context::service(context) {}

AppendCoalescer::~AppendCoalescer() = default;

AppendCoalescer& AppendCoalescer::of(const boost::asio::any_io_executor& executor) {
  boost::asio::execution_context& context =
      boost::asio::query(executor, boost::asio::execution::context);
  return boost::asio::use_service<AppendCoalescer>(context);
}

PendingBatch& AppendCoalescer::batch_for(const std::shared_ptr<const TopicInfo>& topic,
                                         int32_t partition) {
  // Newest first: a request's records usually go where the previous request's went.
  for (auto it = turn_.rbegin(); it != turn_.rend(); ++it) {
    PendingBatch& batch = **it;
    if (batch.open && batch.partition == partition && batch.topic == topic) return batch;
  }
  std::unique_ptr<PendingBatch> fresh;
  if (spare_.empty()) {
    fresh = std::make_unique<PendingBatch>();
    fresh->builder = std::make_unique<log::RecordBatchBuilder>();
  } else {
    fresh = std::move(spare_.back());
    spare_.pop_back();
  }
  fresh->topic = topic;
  fresh->partition = partition;
  fresh->open = true;
  turn_.push_back(std::move(fresh));
  return *turn_.back();
}

std::optional<int32_t> AppendCoalescer::gathering_partition(const TopicInfo& topic) const {
  for (auto it = turn_.rbegin(); it != turn_.rend(); ++it) {
    if ((*it)->open && (*it)->topic.get() == &topic) return (*it)->partition;
  }
  return std::nullopt;
}

void AppendCoalescer::discard_if_empty(PendingBatch& batch) {
  if (!batch.builder->empty()) return;
  auto it = std::find_if(turn_.begin(), turn_.end(),
                         [&](const std::unique_ptr<PendingBatch>& b) { return b.get() == &batch; });
  if (it == turn_.end()) return;
  std::unique_ptr<PendingBatch> spare = std::move(*it);
  turn_.erase(it);
  spare->topic.reset();
  spare->shares.clear();
  if (spare_.size() < kMaxSpareBatches) spare_.push_back(std::move(spare));
}

void AppendCoalescer::schedule(const boost::asio::any_io_executor& executor) {
  if (posted_) return;
  posted_ = true;
  // A post runs after the handlers already queued on this loop, which is where the rest of
  // this turn's requests are: they join the same batches.
  boost::asio::post(executor, [this] { append_turn(); });
}

void AppendCoalescer::append_turn() {
  posted_ = false;
  std::vector<std::unique_ptr<PendingBatch>> turn = std::move(turn_);
  turn_.clear();
  for (std::unique_ptr<PendingBatch>& batch : turn) {
    uint64_t shared = 0;
    for (const PendingBatch::Share& share : batch->shares) shared += share.count;
    CAUDAL_CHECK(shared == static_cast<uint64_t>(batch->builder->record_count()),
                 "an AppendPlan was neither appended nor dropped before its loop turn ended");
    if (batch->builder->empty()) {
      // Every request that wrote here gave up: nothing to append.
    } else if (Result<ByteView> built = batch->builder->build(); !built.ok()) {
      complete_shares(batch->shares, built.status());
    } else {
      // The partition copies the bytes during append(), so the builder is free right after;
      // the completion may run later (flush: always), with the shares it was given.
      batch->topic->partitions[static_cast<size_t>(batch->partition)]->append(
          *built, [shares = std::move(batch->shares)](const Result<log::AppendResult>& outcome) {
            complete_shares(shares, outcome);
          });
    }
    batch->builder->reset();
    batch->topic.reset();
    batch->shares.clear();
    if (spare_.size() < kMaxSpareBatches) spare_.push_back(std::move(batch));
  }
}

void AppendCoalescer::shutdown() {
  if (!turn_.empty()) append_turn();
}

}  // namespace caudal::http
