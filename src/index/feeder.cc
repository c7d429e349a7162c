#include "index/feeder.h"

#include <spdlog/spdlog.h>

#include "common/bytes.h"
#include "common/errc.h"
#include "log/errc.h"
#include "log/record_batch_header.h"
#include "log/record_batch_reader.h"

namespace caudal::index {
namespace {

constexpr size_t kReadBytes = 1 << 20;
// Sleep between polls of an idle topic; also the granularity of refresh timing.
constexpr auto kIdlePoll = std::chrono::milliseconds(10);

std::string_view text(ByteView bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

Result<std::unique_ptr<Feeder>> Feeder::start(Index& index, log::Log& log, FeederOptions options) {
  auto described = log.describe_topic(options.topic);
  if (!described.ok() && described.status().code() == log::Errc::kUnknownTopic) {
    Status created = log.create_topic(options.topic, options.new_topic_settings);
    if (!created.ok() && created.code() != log::Errc::kTopicExists) return created;
    described = log.describe_topic(options.topic);
  }
  if (!described.ok()) return described.status();
  std::vector<std::shared_ptr<log::Partition>> partitions;
  for (int32_t p = 0; p < described->settings.partitions; ++p) {
    CAUDAL_ASSIGN_OR_RETURN(auto partition, log.partition(options.topic, log::PartitionId(p)));
    partitions.push_back(std::move(partition));
  }
  std::unique_ptr<Feeder> feeder(new Feeder(index, std::move(options), std::move(partitions)));
  feeder->thread_ = std::thread([f = feeder.get()] { f->run(); });
  return feeder;
}

Feeder::Feeder(Index& index, FeederOptions options,
               std::vector<std::shared_ptr<log::Partition>> partitions)
    : index_(index), options_(std::move(options)), partitions_(std::move(partitions)) {}

Feeder::~Feeder() {
  stop();
}

void Feeder::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status Feeder::run_on_feeder(std::function<Status()> task) {
  auto done = std::make_shared<std::promise<Status>>();
  auto result = done->get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Status(caudal::Errc::kUnavailable, "the index is shutting down");
    tasks_.emplace_back(std::move(task), done);
  }
  wake_.notify_all();
  return result.get();
}

Status Feeder::catch_up() {
  return run_on_feeder([this] {
    while (read_some() > 0) {
    }
    return index_.refresh();
  });
}

std::map<int32_t, int64_t> Feeder::high_watermarks() const {
  std::map<int32_t, int64_t> out;
  for (size_t p = 0; p < partitions_.size(); ++p) {
    out[static_cast<int32_t>(p)] = partitions_[p]->high_watermark().value();
  }
  return out;
}

size_t Feeder::read_some() {
  size_t records = 0;
  log::RecordBatchReader reader;
  for (size_t p = 0; p < partitions_.size(); ++p) {
    const int32_t partition = static_cast<int32_t>(p);
    auto known = index_.resume_offsets().find(partition);
    int64_t next = known == index_.resume_offsets().end() ? 0 : known->second;
    log::Partition& source = *partitions_[p];
    if (next >= source.high_watermark().value()) continue;
    Result<log::BatchRead> read = source.read(log::Offset(next), kReadBytes);
    if (!read.ok()) {
      if (read.status().code() == log::Errc::kOffsetOutOfRange &&
          next < source.log_start_offset().value()) {
        spdlog::warn(
            "index {}: {}/{} offset {} was deleted by the topic's retention; going on "
            "from {}",
            index_.name(), options_.topic, partition, next, source.log_start_offset().value());
        index_.skip_to(partition, source.log_start_offset().value());
      } else {
        spdlog::error("index {}: reading {}/{}: {}", index_.name(), options_.topic, partition,
                      read.status().message());
      }
      continue;
    }
    ByteView bytes(read->bytes);
    while (bytes.size() >= log::kBatchLengthPrefix) {
      const size_t size =
          log::kBatchLengthPrefix + load_be32(bytes.data() + log::batch_offsets::kBatchLength);
      if (size > bytes.size()) break;
      const ByteView stored = bytes.subspan(0, size);
      bytes = bytes.subspan(size);
      Status reset = reader.reset(stored);
      if (!reset.ok()) {
        spdlog::error("index {}: {}/{}: {}", index_.name(), options_.topic, partition,
                      reset.message());
        break;
      }
      for (;;) {
        Result<const log::Record*> record = reader.next();
        if (!record.ok() || *record == nullptr) break;
        const log::Record& r = **record;
        if (r.offset.value() < next) continue;
        std::optional<std::string_view> key;
        if (r.key) key = text(*r.key);
        index_.add(partition, r.offset.value(), r.timestamp_ms, key,
                   r.value ? text(*r.value) : std::string_view());
        ++records;
      }
    }
  }
  return records;
}

bool Feeder::behind() const {
  for (size_t p = 0; p < partitions_.size(); ++p) {
    auto known = index_.resume_offsets().find(static_cast<int32_t>(p));
    const int64_t next = known == index_.resume_offsets().end() ? 0 : known->second;
    if (next < partitions_[p]->high_watermark().value()) return true;
  }
  return false;
}

void Feeder::run() {
  auto last_refresh = std::chrono::steady_clock::now();
  auto last_maintain = last_refresh;
  for (;;) {
    std::vector<std::pair<std::function<Status()>, std::shared_ptr<std::promise<Status>>>> tasks;
    bool stopping = false;
    {
      std::lock_guard lock(mutex_);
      tasks.swap(tasks_);
      stopping = stopping_;
    }
    for (auto& [task, done] : tasks) done->set_value(task());
    const size_t read = read_some();
    const auto now = std::chrono::steady_clock::now();
    const auto since = now - last_refresh;
    const bool due = since >= options_.refresh_interval &&
                     (index_.buffered_bytes() >= options_.catch_up_bytes ||
                      since >= options_.catch_up_max_delay || !behind());
    if (stopping || due) {
      Status refreshed = index_.refresh();
      if (!refreshed.ok())
        spdlog::error("index {}: refresh: {}", index_.name(), refreshed.message());
      last_refresh = now;
    }
    if (!stopping && now - last_maintain >= options_.maintain_interval) {
      Status maintained = index_.maintain();
      if (!maintained.ok()) spdlog::error("index {}: {}", index_.name(), maintained.message());
      last_maintain = now;
    }
    if (stopping) return;
    if (read == 0) {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kIdlePoll, [this] { return stopping_ || !tasks_.empty(); });
    }
  }
}

}  // namespace caudal::index
