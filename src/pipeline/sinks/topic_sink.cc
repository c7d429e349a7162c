#include "pipeline/sinks/topic_sink.h"

#include <atomic>
#include <mutex>

#include <fmt/format.h>

#include "common/check.h"
#include "log/partitioner.h"

namespace caudal::pipeline {
namespace {

// Counts the appends of one write() and reports once, with the first error, after the last.
struct Pending {
  explicit Pending(SinkDone on_done) : done(std::move(on_done)) {}
  SinkDone done;
  std::atomic<int> remaining{1};  // one held by write() itself until every append is issued
  std::mutex mutex;
  Status first_error;

  void finish(const Status& status) {
    if (!status.ok()) {
      std::lock_guard lock(mutex);
      if (first_error.ok()) first_error = status;
    }
    if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mutex);
      done(first_error);
    }
  }
};

}  // namespace

TopicSink::TopicSink(std::string topic, std::vector<std::shared_ptr<log::Partition>> partitions)
    : topic_(std::move(topic)), partitions_(std::move(partitions)) {
  CAUDAL_CHECK(!partitions_.empty(), "a topic sink without partitions");
  by_partition_.resize(partitions_.size());
}

void TopicSink::write(std::shared_ptr<const SinkBatch> batch, SinkDone done) {
  auto pending = std::make_shared<Pending>(std::move(done));
  for (std::vector<uint32_t>& records : by_partition_) records.clear();
  const auto count = static_cast<int32_t>(partitions_.size());
  const size_t unkeyed_partition = next_partition_;
  next_partition_ = (next_partition_ + 1) % partitions_.size();
  for (uint32_t i = 0; i < batch->size(); ++i) {
    const std::optional<std::string_view> key = batch->key(i);
    const size_t partition =
        key.has_value() ? static_cast<size_t>(log::partition_for_key(*key, count)) : unkeyed_partition;
    by_partition_[partition].push_back(i);
  }
  for (size_t p = 0; p < partitions_.size(); ++p) {
    const std::vector<uint32_t>& records = by_partition_[p];
    if (records.empty()) continue;
    // Leave room for the batch header and record framing under the topic's limit.
    const auto limit = static_cast<size_t>(partitions_[p]->settings().max_message_bytes);
    size_t next = 0;
    while (next < records.size()) {
      builder_.reset();
      while (next < records.size()) {
        const uint32_t i = records[next];
        const std::optional<std::string_view> key = batch->key(i);
        const std::string_view value = batch->value(i);
        const size_t record_size = value.size() + (key ? key->size() : 0) + 32;
        if (!builder_.empty() && builder_.uncompressed_size() + record_size > limit) break;
        builder_.append(batch->record(i).timestamp_ms,
                        key ? std::optional<ByteView>(as_bytes(*key)) : std::nullopt,
                        as_bytes(value));
        ++next;
      }
      Result<ByteView> built = builder_.build();
      if (!built.ok()) {
        pending->finish(built.status().with_context(fmt::format("topic {}", topic_)));
        return;
      }
      pending->remaining.fetch_add(1, std::memory_order_relaxed);
      partitions_[p]->append(*built, [pending](const Result<log::AppendResult>& result) {
        pending->finish(result.ok() ? Status() : result.status());
      });
    }
  }
  pending->finish(Status());
}

}  // namespace caudal::pipeline
