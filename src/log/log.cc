#include "log/log.h"

#include <fmt/format.h>

#include "log/errc.h"

namespace caudal::log {
namespace {

constexpr const char* kTopicConfFile = "topic.conf";

bool is_not_found(const Status& s) {
  return s.code() == std::errc::no_such_file_or_directory;
}

Status storage_error(std::string_view what, const Status& cause) {
  return Status(Errc::kStorage, fmt::format("{}: {}", what, cause.message()));
}

}  // namespace

Log::Log(LogOptions options)
    : options_(std::move(options)), flusher_(*options_.clock, options_.flush_threads) {}

Result<std::unique_ptr<Log>> Log::open(LogOptions options) {
  if (options.data_dir.empty()) {
    return Status(Errc::kInvalidConfig, "the log needs a data directory");
  }
  std::unique_ptr<Log> log(new Log(std::move(options)));
  CAUDAL_RETURN_IF_ERROR(log->load_topics());
  log->register_metrics();
  if (log->options_.retention_check_interval > Duration::zero()) {
    log->retention_thread_ = std::thread([raw = log.get()] { raw->run_retention_loop(); });
  }
  return log;
}

Log::~Log() {
  {
    std::lock_guard lock(retention_mutex_);
    stopping_ = true;
  }
  retention_wake_.notify_all();
  if (retention_thread_.joinable()) retention_thread_.join();
  for (uint64_t id : metric_callbacks_) options_.metrics->remove_callback(id);
  close();
}

PartitionOptions Log::partition_options() {
  PartitionOptions o;
  o.fs = options_.fs;
  o.clock = options_.clock;
  o.flusher = &flusher_;
  o.index_interval_bytes = options_.index_interval_bytes;
  o.recovery_point_interval = options_.recovery_point_interval;
  return o;
}

Status Log::load_topics() {
  FileSystem& fs = *options_.fs;
  Status made = fs.create_directories(topics_dir());
  if (made.ok()) made = fs.create_directories(trash_dir());
  if (!made.ok()) return storage_error("cannot create the data directory", made);

  // Deletions interrupted by a crash: the rename into trash/ was their commit point.
  auto trash = fs.list_directory(trash_dir());
  if (!trash.ok()) return storage_error("cannot list the trash directory", trash.status());
  for (const std::string& name : *trash) {
    Status removed = fs.remove_all(trash_dir() / name);
    if (!removed.ok()) return storage_error("cannot empty the trash directory", removed);
  }

  auto names = fs.list_directory(topics_dir());
  if (!names.ok()) return storage_error("cannot list the topics directory", names.status());
  for (const std::string& name : *names) {
    std::filesystem::path dir = topics_dir() / name;
    auto info = fs.stat(dir);
    if (!info.ok() || !info->is_directory || !validate_topic_name(name).ok()) {
      recovery_notes_.push_back(fmt::format("ignoring {}: not a topic directory", dir.string()));
      continue;
    }
    std::filesystem::path conf_path = dir / kTopicConfFile;
    auto conf = read_whole_file(fs, conf_path);
    if (!conf.ok()) {
      if (!is_not_found(conf.status())) {
        return storage_error(fmt::format("cannot read {}", conf_path.string()), conf.status());
      }
      // topic.conf is written last when a topic is created: without it, the creation never
      // finished and nobody was told the topic exists.
      recovery_notes_.push_back(
          fmt::format("topic {}: creation did not finish before a crash; removed", name));
      Status removed = fs.remove_all(dir);
      if (!removed.ok()) return storage_error("cannot remove an unfinished topic", removed);
      continue;
    }
    CAUDAL_ASSIGN_OR_RETURN(TopicSettings settings,
                            TopicSettings::parse(as_chars(*conf), conf_path.string()));
    CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<Topic> topic, open_topic(name, settings));
    topics_.emplace(name, std::move(topic));
  }
  return Status();
}

Result<std::shared_ptr<Log::Topic>> Log::open_topic(const std::string& name,
                                                    const TopicSettings& settings) {
  auto topic = std::make_shared<Topic>();
  topic->settings = settings;
  for (int32_t p = 0; p < settings.partitions; ++p) {
    CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<Partition> partition,
                            Partition::open(TopicPartition{name, PartitionId(p)},
                                            topics_dir() / name / std::to_string(p), settings,
                                            partition_options(), &recovery_notes_));
    topic->partitions.push_back(std::move(partition));
  }
  return topic;
}

Status Log::create_topic(std::string_view name, const TopicSettings& settings) {
  CAUDAL_RETURN_IF_ERROR(validate_topic_name(name));
  CAUDAL_RETURN_IF_ERROR(settings.validate());
  std::unique_lock lock(topics_mutex_);
  if (closed_) return Status(Errc::kClosed, "the log is closed");
  if (topics_.contains(name)) {
    return Status(Errc::kTopicExists, fmt::format("topic {} already exists", name));
  }
  FileSystem& fs = *options_.fs;
  std::string topic_name(name);
  std::filesystem::path dir = topics_dir() / topic_name;
  auto fail = [&](const Status& cause) {
    (void)fs.remove_all(dir);
    return storage_error(fmt::format("cannot create topic {}", name), cause);
  };
  // A directory left by a creation that failed earlier holds nothing anyone was promised.
  Status ready = fs.remove_all(dir);
  if (ready.ok()) ready = fs.create_directories(dir);
  if (!ready.ok()) return fail(ready);
  auto topic = open_topic(topic_name, settings);
  if (!topic.ok()) return fail(topic.status());
  std::string conf = settings.serialize();
  Status written = write_file_atomically(fs, dir / kTopicConfFile, as_bytes(conf));
  if (written.ok()) written = fs.sync_directory(topics_dir());
  if (!written.ok()) {
    for (auto& p : (*topic)->partitions) p->close();
    return fail(written);
  }
  topics_.emplace(std::move(topic_name), std::move(*topic));
  return Status();
}

Status Log::delete_topic(std::string_view name) {
  std::unique_lock lock(topics_mutex_);
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    return Status(Errc::kUnknownTopic, fmt::format("topic {} does not exist", name));
  }
  std::shared_ptr<Topic> topic = it->second;
  topics_.erase(it);
  for (auto& p : topic->partitions) p->close();

  // The rename is the commit point: a crash after it finishes the deletion at the next open.
  FileSystem& fs = *options_.fs;
  std::filesystem::path trash = trash_dir() / fmt::format("{}-{}", deletions_++, name);
  Status moved = fs.rename(topics_dir() / std::string(name), trash);
  if (moved.ok()) moved = fs.sync_directory(topics_dir());
  if (!moved.ok()) {
    return storage_error(fmt::format("topic {} is closed but its files could not be removed", name),
                         moved);
  }
  Status removed = fs.remove_all(trash);
  if (!removed.ok()) {
    return storage_error(
        fmt::format("topic {} is deleted but {} could not be emptied", name, trash.string()),
        removed);
  }
  return Status();
}

std::vector<std::string> Log::list_topics() const {
  std::shared_lock lock(topics_mutex_);
  std::vector<std::string> names;
  names.reserve(topics_.size());
  for (const auto& [name, topic] : topics_) names.push_back(name);
  return names;
}

Result<TopicDescription> Log::describe_topic(std::string_view name) const {
  std::shared_lock lock(topics_mutex_);
  auto it = topics_.find(name);
  if (it == topics_.end()) {
    return Status(Errc::kUnknownTopic, fmt::format("topic {} does not exist", name));
  }
  TopicDescription d{std::string(name), it->second->settings, {}};
  for (const auto& p : it->second->partitions) d.partitions.push_back(p->stats());
  return d;
}

Result<std::shared_ptr<Partition>> Log::partition(std::string_view topic,
                                                  PartitionId partition) const {
  std::shared_lock lock(topics_mutex_);
  auto it = topics_.find(topic);
  if (it == topics_.end()) {
    return Status(Errc::kUnknownTopic, fmt::format("topic {} does not exist", topic));
  }
  const auto& partitions = it->second->partitions;
  if (partition.value() < 0 || static_cast<size_t>(partition.value()) >= partitions.size()) {
    return Status(Errc::kUnknownPartition,
                  fmt::format("topic {} has no partition {} (it has {})", topic, partition.value(),
                              partitions.size()));
  }
  return partitions[static_cast<size_t>(partition.value())];
}

std::vector<std::shared_ptr<Partition>> Log::all_partitions() const {
  std::shared_lock lock(topics_mutex_);
  std::vector<std::shared_ptr<Partition>> all;
  for (const auto& [name, topic] : topics_) {
    all.insert(all.end(), topic->partitions.begin(), topic->partitions.end());
  }
  return all;
}

Status Log::enforce_retention() {
  Status first;
  for (const auto& p : all_partitions()) {
    auto r = p->enforce_retention();
    if (!r.ok() && first.ok()) first = r.status();
  }
  return first;
}

Status Log::flush() {
  Status first;
  for (const auto& p : all_partitions()) {
    Status s = p->flush();
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

void Log::close() {
  {
    std::unique_lock lock(topics_mutex_);
    closed_ = true;
  }
  for (const auto& p : all_partitions()) p->close();
}

void Log::run_retention_loop() {
  std::unique_lock lock(retention_mutex_);
  while (!stopping_) {
    retention_wake_.wait_for(lock, options_.retention_check_interval);
    if (stopping_) break;
    lock.unlock();
    (void)enforce_retention();  // failures surface again at the next round and in metrics
    lock.lock();
  }
}

void Log::register_metrics() {
  if (options_.metrics == nullptr) return;
  using Field = double (*)(const PartitionStats&);
  auto add = [this](std::string_view name, std::string_view help, metrics::Kind kind, Field field) {
    metric_callbacks_.push_back(
        options_.metrics->add_callback(name, help, kind, {"topic", "partition"}, [this, field] {
          std::vector<metrics::Sample> samples;
          std::shared_lock lock(topics_mutex_);
          for (const auto& [topic_name, topic] : topics_) {
            for (size_t i = 0; i < topic->partitions.size(); ++i) {
              samples.push_back(metrics::Sample{{topic_name, std::to_string(i)},
                                                field(topic->partitions[i]->stats())});
            }
          }
          return samples;
        }));
  };
  add("caudal_log_records_appended_total", "Records appended to the partition since start",
      metrics::Kind::kCounter,
      [](const PartitionStats& s) { return static_cast<double>(s.records_appended); });
  add("caudal_log_bytes_appended_total", "Bytes of batches appended since start",
      metrics::Kind::kCounter,
      [](const PartitionStats& s) { return static_cast<double>(s.bytes_appended); });
  add("caudal_log_flushes_total", "fdatasync rounds of the partition since start",
      metrics::Kind::kCounter,
      [](const PartitionStats& s) { return static_cast<double>(s.flushes); });
  add("caudal_log_size_bytes", "Bytes in the partition's segments", metrics::Kind::kGauge,
      [](const PartitionStats& s) { return static_cast<double>(s.size_bytes); });
  add("caudal_log_segments", "Segment files of the partition", metrics::Kind::kGauge,
      [](const PartitionStats& s) { return static_cast<double>(s.segment_count); });
  add("caudal_log_end_offset", "High watermark: the offset after the last readable record",
      metrics::Kind::kGauge,
      [](const PartitionStats& s) { return static_cast<double>(s.high_watermark.value()); });
  add("caudal_log_start_offset", "Offset of the oldest record retained", metrics::Kind::kGauge,
      [](const PartitionStats& s) { return static_cast<double>(s.log_start_offset.value()); });
}

}  // namespace caudal::log
