#include "pipeline/runtime/pipeline_task.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/bytes.h"
#include "common/check.h"
#include "pipeline/errc.h"
#include "pipeline/event/json.h"
#include "pipeline/runtime/remote_source.h"
#include "pipeline/sinks/topic_sink.h"

namespace caudal::pipeline {
namespace {

constexpr Duration kFirstBackoff = std::chrono::milliseconds(100);
constexpr Duration kMaxBackoff = std::chrono::seconds(5);

}  // namespace

PipelineTask::PipelineTask(std::unique_ptr<PipelineDefinition> definition,
                           PipelineTaskOptions options)
    : definition_(std::move(definition)),
      options_(std::move(options)),
      tracker_(0),
      output_(*definition_) {
  batch_.set_projection(&definition_->projection);
}

PipelineTask::~PipelineTask() { stop(); }

Result<std::unique_ptr<PipelineTask>> PipelineTask::open(
    std::unique_ptr<PipelineDefinition> definition, PipelineTaskOptions options) {
  std::unique_ptr<PipelineTask> task(new PipelineTask(std::move(definition), std::move(options)));
  const PipelineDefinition& def = *task->definition_;
  const std::string context = fmt::format("pipeline {}", def.name);
  task->reader_ = std::make_unique<SourceReader>(def.name, def.order, task->options_.clock);
  CAUDAL_ASSIGN_OR_RETURN(auto committed, task->options_.checkpoints->load_offsets(def.name));
  std::vector<log::TopicPartition> ids;
  if (def.remote.has_value()) {
    // Stateful pipelines resume where their checkpointed state ends; stateless ones where the
    // group committed (the checkpoint store holds no offsets for them).
    std::map<log::TopicPartition, log::Offset> starts;
    if (def.stateful()) starts = std::move(committed);
    PipelineTask* raw = task.get();
    RemoteSource::Hooks hooks{[raw](size_t source) { raw->remote_source_added(source); },
                              [raw](const std::vector<size_t>& sources) { raw->remote_revoking(sources); }};
    Result<std::unique_ptr<RemoteSource>> remote = RemoteSource::open(
        def.name, *def.remote, def.start_latest, def.sources, std::move(starts), task->reader_->sources(), hooks);
    if (!remote.ok()) return remote.status().with_context(context);
    task->reader_->set_remote(std::move(remote).value());
  } else {
    for (const std::string& topic : def.sources) {
      Result<std::vector<std::shared_ptr<log::Partition>>> partitions = task->options_.open_topic(topic);
      if (!partitions.ok()) return partitions.status().with_context(context);
      for (std::shared_ptr<log::Partition>& partition : *partitions) {
        Source source{partition->id(), partition, log::Offset(0), std::nullopt, -1};
        auto it = committed.find(source.id);
        if (it != committed.end()) {
          source.next = it->second;
          source.committed = it->second;
        } else {
          source.next = def.start_latest ? partition->high_watermark() : partition->log_start_offset();
        }
        ids.push_back(source.id);
        task->reader_->add(std::move(source));
      }
    }
  }
  for (const SinkSpec& spec : def.sinks) {
    if (spec.kind == SinkSpec::Kind::kTopic) {
      Result<std::vector<std::shared_ptr<log::Partition>>> partitions = task->options_.open_topic(spec.name);
      if (!partitions.ok()) return partitions.status().with_context(context);
      task->sinks_.push_back(std::make_unique<TopicSink>(spec.name, std::move(partitions).value()));
    } else {
      Result<std::unique_ptr<Sink>> sink = task->options_.open_sink(spec);
      if (!sink.ok()) return sink.status().with_context(context);
      task->sinks_.push_back(std::move(sink).value());
    }
  }
  Result<std::vector<std::shared_ptr<log::Partition>>> dead = task->options_.open_topic(def.dead_letter_topic);
  if (!dead.ok()) return dead.status().with_context(context);
  task->sinks_.push_back(std::make_unique<TopicSink>(def.dead_letter_topic, std::move(dead).value()));
  task->in_flight_.assign(task->sinks_.size(), 0);
  task->tracker_ = OffsetTracker(task->sources().size());
  task->metrics_ = std::make_unique<PipelineMetrics>(*task->options_.metrics, def, ids);
  task->counts_.resize(def.steps.size());
  task->stateful_ = def.stateful();
  if (task->stateful_) {
    task->writer_ = std::make_unique<CheckpointWriter>(task->options_.checkpoints);
    Status restored = task->restore_state();
    if (!restored.ok()) return restored.with_context(context);
  }
  return task;
}

Status PipelineTask::restore_state() {
  // Co-partitioned sources (the same partition count) keep state per partition number
  // (state/state_key.h); otherwise the pipeline is one state group.
  std::map<std::string_view, size_t> partitions;
  for (const Source& source : sources()) ++partitions[source.id.topic];
  // A remote source's partitions are not known yet (the group assigns them): one state group.
  bool same = reader_->remote() == nullptr;
  for (const auto& [topic, count] : partitions) same = same && count == partitions.begin()->second;
  definition_->state_scope.by_partition = same;
  size_t skipped = 0;
  CAUDAL_RETURN_IF_ERROR(options_.checkpoints->load_state(
      definition_->name,
      [this, &skipped](uint32_t step, std::string_view kind, std::string_view key, std::string_view value) -> Status {
        if (step >= definition_->steps.size() || definition_->step_names[step] != kind ||
            definition_->steps[step]->state() == nullptr) {
          ++skipped;  // the pipeline was edited: that step is gone
          return Status();
        }
        return definition_->steps[step]->state()->restore(key, value);
      }));
  if (skipped > 0) {
    spdlog::warn("pipeline {}: {} stored state entries belong to steps the pipeline no longer has at their "
                 "place; they are ignored",
                 definition_->name, skipped);
  }
  return Status();
}

void PipelineTask::start() {
  next_commit_ = options_.clock->steady_now() + definition_->commit_interval;
  next_checkpoint_ = options_.clock->steady_now() + definition_->checkpoint_interval;
  next_tick_ = options_.clock->steady_now();
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->answering = true;
  }
  thread_ = std::thread([this] { run(); });
}

void PipelineTask::stop() {
  if (!thread_.joinable()) return;
  stopping_.store(true);
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->wake.notify_all();
  }
  thread_.join();
}

void PipelineTask::run() {
  std::vector<std::pair<size_t, log::Offset>> read_to;
  std::vector<Ack> acks;
  while (!stopping_.load()) {
    {
      std::lock_guard lock(inbox_->mutex);
      acks.swap(inbox_->acks);
    }
    handle_acks(acks);
    answer_queries();
    retry_due();
    if (stateful_) {
      checkpoint_when_due();
    } else if (options_.clock->steady_now() >= next_commit_) {
      commit();
    }
    if (sinks_full() || !read_batch(read_to)) {
      if (stateful_ && !sinks_full()) tick();
      wait_for_data();
      continue;
    }
    process_and_dispatch(read_to);
  }
  // Let the sinks finish what they were given (flushed: a file sink completes its open file),
  // then commit what they acknowledged, so a restart reads none of it again.
  for (std::unique_ptr<Sink>& sink : sinks_) sink->flush();
  const auto deadline = std::chrono::steady_clock::now() + options_.stop_grace;
  while (!unacknowledged_.empty() && std::chrono::steady_clock::now() < deadline) {
    std::unique_lock lock(inbox_->mutex);
    inbox_->wake.wait_for(lock, std::chrono::milliseconds(10), [this] { return !inbox_->acks.empty(); });
    acks.swap(inbox_->acks);
    lock.unlock();
    handle_acks(acks);
    if (!retries_.empty()) break;  // a failing sink: what it did not take is read again later
  }
  if (!stateful_) {
    commit();
  } else {
    // The last checkpoint: only when everything dispatched was acknowledged, else the state
    // would claim outputs that were never delivered (the previous checkpoint stands instead).
    if (std::optional<CheckpointWriter::Written> written = writer_->wait()) finish_checkpoint(*written);
    if (pending_.has_value() && checkpoint_acknowledged()) write_checkpoint_now();
    if (!pending_.has_value() && unacknowledged_.empty()) {
      take_checkpoint();
      if (pending_.has_value()) write_checkpoint_now();
    }
  }
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->answering = false;
  }
  answer_queries();
}

bool PipelineTask::sinks_full() const {
  // Reading one more batch must not take any sink past the bound.
  for (size_t count : in_flight_) {
    if (count + definition_->batch_size > definition_->max_in_flight) return true;
  }
  return false;
}

bool PipelineTask::read_batch(std::vector<std::pair<size_t, log::Offset>>& read_to) {
  batch_.clear();
  output_.reset();
  const size_t records = reader_->read(batch_, output_, definition_->batch_size, read_to);
  metrics_->events_in.inc(records);
  metrics_->out_of_order.inc(reader_->take_out_of_order());
  return !read_to.empty();
}

void PipelineTask::process_and_dispatch(const std::vector<std::pair<size_t, log::Offset>>& read_to) {
  const auto started = std::chrono::steady_clock::now();
  batch_.set_processing_time(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 options_.clock->wall_now().time_since_epoch())
                                 .count());
  definition_->run(batch_, outcome_, counts_);
  output_.build(batch_, outcome_);
  metrics_->add(counts_);
  metrics_->processing_seconds.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());

  auto delivery = std::make_shared<Delivery>();
  delivery->sequence = next_sequence_++;
  for (const auto& [source, next] : read_to) delivery->tickets.push_back(tracker_.open(source, next));
  std::vector<std::shared_ptr<SinkBatch>>& batches = output_.sinks();
  for (size_t s = 0; s < batches.size(); ++s) {
    if (!batches[s]->empty()) ++delivery->remaining;
  }
  if (!output_.dead_letters()->empty()) ++delivery->remaining;
  if (delivery->remaining == 0) {
    for (uint64_t ticket : delivery->tickets) tracker_.complete(ticket);
    update_lag();
    return;
  }
  unacknowledged_.insert(delivery->sequence);
  size_t out = 0;
  for (size_t s = 0; s < batches.size(); ++s) {
    if (batches[s]->empty()) continue;
    out += batches[s]->size();
    write(s, batches[s], delivery, Duration(0));
  }
  metrics_->events_out.inc(out);
  if (!output_.dead_letters()->empty()) {
    metrics_->dead_lettered.inc(output_.dead_letters()->size());
    write(sinks_.size() - 1, output_.dead_letters(), delivery, Duration(0));
  }
  update_lag();
}

void PipelineTask::write(size_t sink, std::shared_ptr<const SinkBatch> batch,
                         std::shared_ptr<Delivery> delivery, Duration backoff) {
  in_flight_[sink] += batch->size();
  metrics_->sinks[sink].in_flight->set(static_cast<double>(in_flight_[sink]));
  std::weak_ptr<Inbox> weak = inbox_;
  sinks_[sink]->write(batch, [weak, sink, batch, delivery, backoff](const Status& status) {
    std::shared_ptr<Inbox> inbox = weak.lock();
    if (inbox == nullptr) return;
    std::lock_guard lock(inbox->mutex);
    inbox->acks.push_back(Ack{delivery, sink, batch, status, backoff});
    inbox->wake.notify_all();
  });
}

void PipelineTask::handle_acks(std::vector<Ack>& acks) {
  for (Ack& ack : acks) {
    const size_t records = ack.batch->size();
    in_flight_[ack.sink] -= records;
    metrics_->sinks[ack.sink].in_flight->set(static_cast<double>(in_flight_[ack.sink]));
    if (!ack.status.ok()) {
      metrics_->errors.inc();
      metrics_->sinks[ack.sink].errors->inc();
      spdlog::warn("pipeline {}: sink {} failed, writing {} records again: {}", definition_->name,
                   ack.sink < definition_->sinks.size() ? definition_->sinks[ack.sink].label()
                                                        : definition_->dead_letter_topic,
                   records, ack.status.message());
      // Each failure of the same batch waits twice as long as the one before.
      ack.backoff = ack.backoff == Duration(0) ? kFirstBackoff : std::min<Duration>(ack.backoff * 2, kMaxBackoff);
      retries_.push_back(Retry{std::chrono::steady_clock::now() + ack.backoff, std::move(ack)});
      continue;
    }
    metrics_->sinks[ack.sink].events->inc(records);
    if (--ack.delivery->remaining == 0) {
      for (uint64_t ticket : ack.delivery->tickets) tracker_.complete(ticket);
      unacknowledged_.erase(ack.delivery->sequence);
    }
  }
  acks.clear();
}

void PipelineTask::retry_due() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = retries_.begin(); it != retries_.end();) {
    if (it->due > now) {
      ++it;
      continue;
    }
    Ack ack = std::move(it->ack);
    it = retries_.erase(it);
    write(ack.sink, ack.batch, ack.delivery, ack.backoff);
  }
}

void PipelineTask::remote_source_added(size_t source) {
  const size_t index = tracker_.add_source();
  CAUDAL_CHECK(index == source, "a remote source's index differs from its offset tracker's");
  metrics_->add_source(*options_.metrics, definition_->name, sources()[source].id);
}

void PipelineTask::remote_revoking(const std::vector<size_t>& revoked) {
  if (!stateful_) {
    std::vector<std::pair<size_t, log::Offset>> done;
    for (size_t s : revoked) {
      const std::optional<log::Offset> next = tracker_.committable(s);
      if (next.has_value() && next != sources()[s].committed) done.emplace_back(s, *next);
    }
    Status committed = reader_->remote()->commit(done, options_.stop_grace);
    if (!committed.ok()) {
      metrics_->errors.inc();
      spdlog::warn("pipeline {}: committing before the group takes partitions away: {}; the next owner reads "
                   "their events after the last commit again",
                   definition_->name, committed.message());
    } else if (!done.empty()) {
      metrics_->commits.inc();
    }
  }
  // Stateful pipelines committed their last checkpoint's offsets when it was written.
  for (size_t s : revoked) tracker_.forget(s);
}

void PipelineTask::commit_remote(Duration wait) {
  std::vector<std::pair<size_t, log::Offset>> done;
  for (size_t s = 0; s < sources().size(); ++s) {
    const std::optional<log::Offset> next = tracker_.committable(s);
    // At stop (a wait) everything is sent again: an earlier commit sent without waiting may have failed.
    if (next.has_value() && sources()[s].assigned && (wait > Duration(0) || next != sources()[s].committed)) {
      done.emplace_back(s, *next);
    }
  }
  next_commit_ = options_.clock->steady_now() + definition_->commit_interval;
  if (done.empty()) return;
  Status committed = reader_->remote()->commit(done, wait);
  if (!committed.ok()) {
    metrics_->errors.inc();
    spdlog::warn("pipeline {}: {}", definition_->name, committed.message());
    return;
  }
  metrics_->commits.inc();
}

void PipelineTask::wait_for_data() {
  if (RemoteSource* remote = reader_->remote(); remote != nullptr && !sinks_full()) {
    // Waits in librdkafka's poll: records that come are kept for the next read. Acknowledgements
    // arriving meanwhile are handled after it (at most idle_wait later).
    remote->wait(options_.idle_wait, definition_->batch_size);
    update_lag();
    return;
  }
  std::vector<std::pair<log::Partition*, uint64_t>> watches;
  bool ready = false;
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->data_arrived = false;
  }
  if (!sinks_full() && reader_->remote() == nullptr) {
    std::weak_ptr<Inbox> weak = inbox_;
    for (size_t s = 0; s < sources().size(); ++s) {
      Source& source = sources()[s];
      std::optional<uint64_t> id = source.partition->watch(reader_->cursor(s), [weak] {
        std::shared_ptr<Inbox> inbox = weak.lock();
        if (inbox == nullptr) return;
        std::lock_guard lock(inbox->mutex);
        inbox->data_arrived = true;
        inbox->wake.notify_all();
      });
      if (!id.has_value()) {
        ready = true;
        break;
      }
      watches.emplace_back(source.partition.get(), *id);
    }
  }
  if (!ready) {
    // A record held for the clock (time order) is due within about a millisecond.
    const Duration wait = reader_->holding() ? Duration(std::chrono::milliseconds(1)) : options_.idle_wait;
    std::unique_lock lock(inbox_->mutex);
    inbox_->wake.wait_for(lock, wait, [this] {
      return inbox_->data_arrived || !inbox_->acks.empty() || !inbox_->queries.empty() || stopping_.load();
    });
  }
  for (const auto& [partition, id] : watches) partition->unwatch(id);
  update_lag();
}

void PipelineTask::commit() {
  if (reader_->remote() != nullptr) {
    commit_remote(stopping_.load() ? options_.stop_grace : Duration(0));
    return;
  }
  Checkpoint checkpoint;
  checkpoint.pipeline = definition_->name;
  for (Source& source : sources()) {
    const std::optional<log::Offset> next = tracker_.committable(static_cast<size_t>(&source - sources().data()));
    if (next.has_value() && next != source.committed) {
      checkpoint.offsets.push_back(SourceOffset{source.id, *next});
    }
  }
  next_commit_ = options_.clock->steady_now() + definition_->commit_interval;
  if (checkpoint.offsets.empty()) return;
  Status committed = options_.checkpoints->commit(checkpoint);
  if (!committed.ok()) {
    // The offsets stay where they were on disk: events after them are processed again after
    // a restart, which at-least-once allows. The next commit carries later offsets.
    metrics_->errors.inc();
    spdlog::error("pipeline {}: {}", definition_->name, committed.message());
    return;
  }
  for (const SourceOffset& entry : checkpoint.offsets) {
    for (Source& source : sources()) {
      if (source.id == entry.source) source.committed = entry.next;
    }
  }
  metrics_->commits.inc();
}

void PipelineTask::update_lag() {
  const int64_t now_ms = options_.clock->wall_millis();
  RemoteSource* remote = reader_->remote();
  if (remote != nullptr) metrics_->source_errors.inc(remote->take_errors());
  for (size_t s = 0; s < sources().size(); ++s) {
    const Source& source = sources()[s];
    int64_t high = source.next.value();
    if (remote == nullptr) {
      high = source.partition->high_watermark().value();
    } else if (source.assigned && source.positioned) {
      high = remote->high_watermark(s).value_or(source.next).value();
    }
    const int64_t lag = high - source.next.value();
    metrics_->sources[s].lag_offsets->set(static_cast<double>(std::max<int64_t>(0, lag)));
    const double seconds = lag > 0 && source.last_timestamp_ms >= 0
                               ? static_cast<double>(std::max<int64_t>(0, now_ms - source.last_timestamp_ms)) / 1000.0
                               : 0.0;
    metrics_->sources[s].lag_seconds->set(seconds);
  }
}

void PipelineTask::tick() {
  const auto now = options_.clock->steady_now();
  if (now < next_tick_) return;
  next_tick_ = now + options_.idle_wait;
  batch_.clear();
  output_.reset();
  process_and_dispatch({});
}

bool PipelineTask::checkpoint_acknowledged() const {
  return unacknowledged_.empty() || *unacknowledged_.begin() > pending_->barrier;
}

void PipelineTask::checkpoint_when_due() {
  if (std::optional<CheckpointWriter::Written> written = writer_->poll()) finish_checkpoint(*written);
  // One checkpoint at a time: a failed write must make the next one carry the whole state.
  if (writer_->busy()) return;
  if (!pending_.has_value() && options_.clock->steady_now() >= next_checkpoint_) take_checkpoint();
  if (pending_.has_value() && checkpoint_acknowledged()) {
    writer_->submit(std::move(pending_->checkpoint));
    pending_.reset();
  }
}

void PipelineTask::take_checkpoint() {
  next_checkpoint_ = options_.clock->steady_now() + definition_->checkpoint_interval;
  PendingCheckpoint pending;
  pending.checkpoint.pipeline = definition_->name;
  pending.barrier = next_sequence_ - 1;
  for (const Source& source : sources()) {
    if (source.positioned && source.committed != source.next) {
      pending.checkpoint.offsets.push_back(SourceOffset{source.id, source.next});
    }
  }
  bool changed = !pending.checkpoint.offsets.empty();
  for (size_t i = 0; i < definition_->steps.size(); ++i) {
    StepState* state = definition_->steps[i]->state();
    if (state == nullptr) continue;
    StepDelta delta{static_cast<uint32_t>(i), definition_->step_names[i], {}};
    state->take_delta(delta.writes);
    changed = changed || !delta.writes.empty();
    if (!delta.writes.empty()) pending.checkpoint.state.push_back(std::move(delta));
    metrics_->states[i].entries->set(static_cast<double>(state->entries()));
    metrics_->states[i].bytes->set(static_cast<double>(state->bytes()));
  }
  if (changed) pending_ = std::move(pending);
}

void PipelineTask::write_checkpoint_now() {
  writer_->submit(std::move(pending_->checkpoint));
  pending_.reset();
  if (std::optional<CheckpointWriter::Written> written = writer_->wait()) finish_checkpoint(*written);
}

void PipelineTask::finish_checkpoint(const CheckpointWriter::Written& written) {
  if (!written.status.ok()) {
    // Offsets stay where they were on disk; the next checkpoint carries the whole state.
    metrics_->errors.inc();
    spdlog::error("pipeline {}: {}", definition_->name, written.status.message());
    for (const std::unique_ptr<Step>& step : definition_->steps) {
      if (step->state() != nullptr) step->state()->mark_all_changed();
    }
    return;
  }
  metrics_->checkpoint_seconds.observe(std::chrono::duration<double>(written.took).count());
  metrics_->checkpoints.inc();
  std::vector<std::pair<size_t, log::Offset>> remote_offsets;
  for (const SourceOffset& entry : written.checkpoint.offsets) {
    for (size_t s = 0; s < sources().size(); ++s) {
      if (sources()[s].id != entry.source) continue;
      sources()[s].committed = entry.next;
      if (sources()[s].assigned) remote_offsets.emplace_back(s, entry.next);
    }
  }
  if (RemoteSource* remote = reader_->remote()) {
    // The group's offsets follow the checkpoints (they say how far the pipeline got; a worker
    // without this checkpoint store starts there). The local checkpoint stays the authority.
    Status committed = remote->commit(remote_offsets, stopping_.load() ? options_.stop_grace : Duration(0));
    if (!committed.ok()) spdlog::warn("pipeline {}: {}", definition_->name, committed.message());
  }
}

void PipelineTask::query_state(std::string key, std::function<void(std::string json)> done) {
  {
    std::lock_guard lock(inbox_->mutex);
    if (inbox_->answering) {
      inbox_->queries.push_back(StateQuery{std::move(key), std::move(done)});
      inbox_->wake.notify_all();
      return;
    }
  }
  done(describe_state(key));
}

void PipelineTask::answer_queries() {
  std::vector<StateQuery> queries;
  {
    std::lock_guard lock(inbox_->mutex);
    queries.swap(inbox_->queries);
  }
  for (StateQuery& query : queries) query.done(describe_state(query.key));
}

std::string PipelineTask::describe_state(std::string_view key) {
  std::string out = "{\"pipeline\":\"";
  append_json_escaped(out, definition_->name);
  out.append("\",\"key\":");
  out.append(key);
  out.append(",\"steps\":[");
  bool first = true;
  for (size_t i = 0; i < definition_->steps.size(); ++i) {
    StepState* state = definition_->steps[i]->state();
    if (state == nullptr) continue;
    if (!first) out.push_back(',');
    first = false;
    out.append(fmt::format("{{\"step\":{},\"kind\":\"{}\",\"entries\":", i, definition_->step_names[i]));
    state->inspect(key, out);
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

}  // namespace caudal::pipeline
