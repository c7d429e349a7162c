// Fetch (1): whole stored batches from each requested partition, as appended.
//
// Limits: max_bytes bounds the whole answer and partition_max_bytes each partition, except that
// the first partition with data always gets at least its first whole batch (KIP-74), so a batch
// larger than the limits still reaches the consumer. A later partition whose first batch would
// overflow what is left is answered empty this time.
//
// Long-poll: the answer goes out at once when it holds at least min_bytes, when a partition has
// an error, or when max_wait_ms is 0. Otherwise the request waits on the connection's loop, with
// a one-shot Partition::watch() per partition and a deadline timer (no thread is parked), and is
// answered when new data brings it to min_bytes or at the deadline with whatever there is.
//
// Offsets: high_watermark as the read saw it, last_stable_offset = high watermark (no
// transactions), log_start_offset, no aborted transactions, preferred_read_replica -1; a
// partition with no data gets zero-length records, never null (librdkafka refuses null).
#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "kafka/handlers/error_mapping.h"
#include "kafka/handlers/handler_table.h"
#include "kafka/protocol/messages/fetch.h"

namespace caudal::kafka {
namespace {

namespace asio = boost::asio;

// One pass over the requested partitions.
struct Attempt {
  FetchResponse response;
  std::vector<Bytes> storage;  // the records fields point into these
  int64_t bytes = 0;
  bool has_error = false;
  // Where to wait for more: each partition read without error, with the high watermark seen.
  std::vector<std::pair<std::shared_ptr<log::Partition>, log::Offset>> watch_points;
};

class FetchOperation : public std::enable_shared_from_this<FetchOperation> {
 public:
  FetchOperation(log::Log& log, FetchRequest request, int16_t version, int32_t correlation_id,
                 asio::any_io_executor executor, Responder respond)
      : log_(log),
        request_(std::move(request)),
        version_(version),
        correlation_id_(correlation_id),
        executor_(executor),
        timer_(executor),
        respond_(std::move(respond)) {}

  // On the connection's loop.
  void start() {
    Attempt attempt = read_all();
    if (request_.max_wait_ms <= 0 || satisfied(attempt)) return finish(attempt);
    timer_.expires_after(std::chrono::milliseconds(request_.max_wait_ms));
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec != asio::error::operation_aborted) self->on_deadline();
    });
    wait_on(attempt);
  }

 private:
  bool satisfied(const Attempt& attempt) const {
    return attempt.has_error || attempt.bytes >= request_.min_bytes;
  }

  Attempt read_all() {
    Attempt attempt;
    int64_t remaining = std::max<int64_t>(request_.max_bytes, 0);
    for (const FetchRequest::Topic& topic : request_.topics) {
      auto& topic_answer = attempt.response.responses.emplace_back();
      topic_answer.topic = topic.topic;
      for (const FetchRequest::Partition& wanted : topic.partitions) {
        auto& answer = topic_answer.partitions.emplace_back();
        answer.partition_index = wanted.partition;
        read_partition(topic.topic, wanted, remaining, attempt, answer);
      }
    }
    return attempt;
  }

  void read_partition(const std::string& topic, const FetchRequest::Partition& wanted,
                      int64_t& remaining, Attempt& attempt, FetchResponse::Partition& answer) {
    auto partition = log_.partition(topic, log::PartitionId(wanted.partition));
    if (!partition.ok()) {
      answer.error_code = to_error_code(partition.status(), ApiKey::kFetch, version_);
      attempt.has_error = true;
      return;
    }
    const auto& p = *partition;
    answer.high_watermark = p->high_watermark().value();
    answer.last_stable_offset = answer.high_watermark;
    answer.log_start_offset = p->log_start_offset().value();
    bool first = attempt.bytes == 0;
    int64_t limit = std::min<int64_t>(std::max(wanted.partition_max_bytes, 0), remaining);
    if (!first && limit <= 0) return;
    auto read = p->read(log::Offset(wanted.fetch_offset), static_cast<size_t>(limit));
    if (!read.ok()) {
      answer.error_code = to_error_code(read.status(), ApiKey::kFetch, version_);
      attempt.has_error = true;
      return;
    }
    answer.high_watermark = read->high_watermark.value();
    answer.last_stable_offset = answer.high_watermark;
    answer.log_start_offset = read->log_start_offset.value();
    attempt.watch_points.emplace_back(p, read->high_watermark);
    auto size = static_cast<int64_t>(read->bytes.size());
    if (size == 0 || (!first && size > limit)) return;
    remaining = std::max<int64_t>(remaining - size, 0);
    attempt.bytes += size;
    attempt.storage.push_back(std::move(read->bytes));
    answer.records = ByteView(attempt.storage.back());
  }

  void wait_on(const Attempt& attempt) {
    std::weak_ptr<FetchOperation> weak = weak_from_this();
    auto wake = [weak, executor = executor_] {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) self->on_wake();
      });
    };
    for (const auto& [partition, offset] : attempt.watch_points) {
      std::optional<uint64_t> id = partition->watch(offset, wake);
      if (!id) {
        wake();  // data arrived between the read and the watch
        return;
      }
      watches_.emplace_back(partition, *id);
    }
  }

  void cancel_watches() {
    for (const auto& [partition, id] : watches_) partition->unwatch(id);
    watches_.clear();
  }

  void on_wake() {
    if (done_) return;
    cancel_watches();
    Attempt attempt = read_all();
    if (satisfied(attempt)) {
      timer_.cancel();
      return finish(attempt);
    }
    wait_on(attempt);
  }

  void on_deadline() {
    if (done_) return;
    cancel_watches();
    Attempt attempt = read_all();
    finish(attempt);
  }

  void finish(const Attempt& attempt) {
    done_ = true;
    respond_.send(encode_response(attempt.response, version_, correlation_id_));
  }

  log::Log& log_;
  FetchRequest request_;
  int16_t version_;
  int32_t correlation_id_;
  asio::any_io_executor executor_;
  asio::steady_timer timer_;
  Responder respond_;
  std::vector<std::pair<std::shared_ptr<log::Partition>, uint64_t>> watches_;
  bool done_ = false;
};

}  // namespace

Status handle_fetch(RequestContext& context) {
  CAUDAL_ASSIGN_OR_RETURN(FetchRequest request,
                          decode_message<FetchRequest>(context.request.body, context.version()));
  std::make_shared<FetchOperation>(context.log, std::move(request), context.version(),
                                   context.correlation_id(), context.executor,
                                   std::move(context.respond))
      ->start();
  return Status();
}

}  // namespace caudal::kafka
