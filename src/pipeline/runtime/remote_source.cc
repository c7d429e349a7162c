#include "pipeline/runtime/remote_source.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace caudal::pipeline {
namespace {

constexpr auto kWarningEvery = std::chrono::seconds(30);

}  // namespace

Result<std::unique_ptr<RemoteSource>> RemoteSource::open(const std::string& pipeline,
                                                         const config::KafkaSourceConfig& config, bool start_latest,
                                                         const std::vector<std::string>& topics,
                                                         std::map<log::TopicPartition, log::Offset> starts,
                                                         std::vector<Source>& sources, Hooks hooks) {
  std::unique_ptr<RemoteSource> remote(new RemoteSource(pipeline, topics, std::move(starts), sources, std::move(hooks)));
  connectors::KafkaSourceOptions options;
  options.brokers = config.brokers;
  options.group = config.group;
  options.topics = config.topics;
  options.start = start_latest ? connectors::KafkaSourceOptions::Start::kLatest
                               : connectors::KafkaSourceOptions::Start::kEarliest;
  options.properties = config.properties;
  options.listener = remote.get();
  CAUDAL_ASSIGN_OR_RETURN(remote->kafka_, connectors::KafkaSource::open(std::move(options)));
  return remote;
}

RemoteSource::RemoteSource(const std::string& pipeline, const std::vector<std::string>& topics,
                           std::map<log::TopicPartition, log::Offset> starts, std::vector<Source>& sources,
                           Hooks hooks)
    : pipeline_(pipeline), topics_(topics), starts_(std::move(starts)), sources_(sources), hooks_(std::move(hooks)) {}

size_t RemoteSource::source_of(std::string_view topic, log::PartitionId partition) {
  for (size_t s = 0; s < sources_.size(); ++s) {
    if (sources_[s].id.partition == partition && sources_[s].id.topic == topic) return s;
  }
  Source source{log::TopicPartition{std::string(topic), partition}, nullptr, log::Offset(0), std::nullopt, -1};
  source.positioned = false;
  source.assigned = false;
  sources_.push_back(std::move(source));
  hooks_.added(sources_.size() - 1);
  return sources_.size() - 1;
}

void RemoteSource::assigned(std::vector<connectors::KafkaAssignment>& partitions) {
  for (connectors::KafkaAssignment& partition : partitions) {
    Source& source = sources_[source_of(partition.topic, partition.partition)];
    source.assigned = true;
    // Until a record comes, where it starts is the group's business (or the checkpoint's).
    source.positioned = false;
    source.committed.reset();
    auto start = starts_.find(source.id);
    if (start != starts_.end()) {
      partition.start = start->second;
      source.next = start->second;
      source.committed = start->second;
      source.positioned = true;
    }
  }
  spdlog::info("pipeline {}: the group assigned {} partition(s) of the remote source", pipeline_, partitions.size());
}

void RemoteSource::revoking(const std::vector<connectors::KafkaAssignment>& partitions) {
  // Records of these partitions fetched but not handed out are dropped by the KafkaSource
  // before its poll() returns, so none of them reaches read().
  std::vector<size_t> revoked;
  for (const connectors::KafkaAssignment& partition : partitions) {
    const size_t s = source_of(partition.topic, partition.partition);
    revoked.push_back(s);
  }
  hooks_.revoking(revoked);
  for (size_t s : revoked) sources_[s].assigned = false;
  spdlog::info("pipeline {}: the group took {} partition(s) of the remote source away", pipeline_, partitions.size());
}

size_t RemoteSource::read(EventBatch& batch, BatchOutput& output, size_t limit,
                          std::vector<std::pair<size_t, log::Offset>>& read_to) {
  if (fetched_next_ >= fetched_.size()) {
    fetched_ = {};
    fetched_next_ = 0;
    if (!wait(Duration(0), limit)) return 0;
  }
  size_t records = 0;
  // One entry per source of this batch, at its last record's next offset.
  std::vector<size_t> touched;
  for (; fetched_next_ < fetched_.size() && records < limit; ++fetched_next_) {
    const connectors::KafkaSourceRecord& record = fetched_[fetched_next_];
    const size_t s = source_of(record.topic, record.partition);
    Source& source = sources_[s];
    auto topic = std::find(topics_.begin(), topics_.end(), record.topic);
    const std::string_view name = topic != topics_.end() ? std::string_view(*topic) : std::string_view(source.id.topic);
    append_record(source, name, record.offset, record.timestamp_ms, record.key, record.value, batch, output);
    ++records;
    if (std::find(touched.begin(), touched.end(), s) == touched.end()) touched.push_back(s);
  }
  for (size_t s : touched) read_to.emplace_back(s, sources_[s].next);
  return records;
}

bool RemoteSource::wait(Duration wait, size_t limit) {
  if (fetched_next_ < fetched_.size()) return true;
  Result<std::span<const connectors::KafkaSourceRecord>> polled = kafka_->poll(limit, wait);
  if (!polled.ok()) {
    // What no wait cures (no right to read the topic...): said loudly, tried again.
    ++errors_;
    spdlog::error("pipeline {}: remote source: {}", pipeline_, polled.status().message());
    fetched_ = {};
    fetched_next_ = 0;
    return false;
  }
  fetched_ = *polled;
  fetched_next_ = 0;
  note_problems(!fetched_.empty());
  return !fetched_.empty();
}

void RemoteSource::note_problems(bool records_came) {
  const std::string problem = kafka_->take_problem();
  const auto now = std::chrono::steady_clock::now();
  if (!problem.empty()) {
    ++errors_;
    if (!unreachable_ || now - last_warning_ >= kWarningEvery) {
      spdlog::warn("pipeline {}: remote source: {}; events wait until it is reachable", pipeline_, problem);
      last_warning_ = now;
    }
    unreachable_ = true;
    return;
  }
  if (records_came && unreachable_) {
    unreachable_ = false;
    spdlog::info("pipeline {}: remote source reachable again, reading", pipeline_);
  }
}

Status RemoteSource::commit(const std::vector<std::pair<size_t, log::Offset>>& positions, Duration wait) {
  std::vector<connectors::KafkaPosition> offsets;
  for (const auto& [s, next] : positions) offsets.push_back({sources_[s].id.topic, sources_[s].id.partition, next});
  Status status = kafka_->commit(offsets, wait);
  if (!status.ok()) {
    ++errors_;
    for (Source& source : sources_) source.committed.reset();
    return status;
  }
  for (const auto& [s, next] : positions) sources_[s].committed = next;
  return status;
}

std::optional<log::Offset> RemoteSource::high_watermark(size_t s) const {
  return kafka_->high_watermark(sources_[s].id.topic, sources_[s].id.partition);
}

}  // namespace caudal::pipeline
