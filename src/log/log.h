// The durable partitioned log: the topic registry and the owner of every partition under
// `<data>/topics/`. It creates, deletes, lists and describes topics (settings persisted in
// each topic's `topic.conf`), opens and recovers all partitions at start, runs the flusher
// (group commit) and retention, and exports per-partition metrics. On-disk layout and
// recovery rules: docs/log-format.md. Appends and reads go through the Partition objects it
// hands out (partition.h has the visibility and durability contract).
//
// Thread-safety: every method may be called from any thread. Looking up a partition takes a
// shared lock for a moment; callers on hot paths keep the shared_ptr. A partition handed out
// stays valid after its topic is deleted: appends then fail with kClosed and reads see the
// data as it was.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/file_system.h"
#include "common/metrics/registry.h"
#include "common/result.h"
#include "log/flusher.h"
#include "log/partition.h"
#include "log/topic_settings.h"
#include "log/types.h"

namespace caudal::log {

struct LogOptions {
  std::filesystem::path data_dir;
  // Both must outlive the Log.
  FileSystem* fs = &PosixFileSystem::instance();
  Clock* clock = &SystemClock::instance();
  // Where per-partition metrics go (caudal_log_*); none when null. Must outlive the Log.
  metrics::Registry* metrics = nullptr;
  uint32_t index_interval_bytes = 4096;
  // How often the recovery point is persisted while data is being synced (see partition.h).
  Duration recovery_point_interval = std::chrono::seconds(10);
  // How often retention runs in the background; zero runs none (enforce_retention() only).
  Duration retention_check_interval = std::chrono::minutes(5);
  int flush_threads = 1;
};

struct TopicDescription {
  std::string name;
  TopicSettings settings;
  std::vector<PartitionStats> partitions;  // index = partition id
};

class Log {
 public:
  // Opens the data directory (creating it if needed), finishes interrupted topic creations
  // and deletions, and opens and recovers every partition. Fails with kInvalidConfig when a
  // topic.conf cannot be read, and kStorage when the disk refuses.
  static Result<std::unique_ptr<Log>> open(LogOptions options);
  // close(), then stops the background threads.
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // What recovery did while opening (cut tails, rebuilt indexes, unclean shutdowns), one line
  // each, naming topic and partition; for the server to log.
  const std::vector<std::string>& recovery_notes() const { return recovery_notes_; }

  // Creates the topic's directories and partitions, then its topic.conf (so a crash halfway
  // leaves nothing that a later open mistakes for a topic). Durable when it returns.
  // kInvalidTopicName, kInvalidConfig, kTopicExists, kStorage.
  Status create_topic(std::string_view name, const TopicSettings& settings);
  // Closes the topic's partitions (waiting appends complete or fail, watchers fire) and
  // removes its files. kUnknownTopic, kStorage.
  Status delete_topic(std::string_view name);
  // Topic names, sorted.
  std::vector<std::string> list_topics() const;
  Result<TopicDescription> describe_topic(std::string_view name) const;

  // kUnknownTopic, kUnknownPartition.
  Result<std::shared_ptr<Partition>> partition(std::string_view topic, PartitionId partition) const;

  // Runs retention on every partition now (the background thread does it every
  // retention_check_interval). Returns the first error, after trying all partitions.
  Status enforce_retention();
  // Makes everything appended so far durable, on every partition.
  Status flush();
  // Closes every partition cleanly (see Partition::close()). Idempotent; the Log refuses new
  // topics afterwards.
  void close();

 private:
  struct Topic {
    TopicSettings settings;
    std::vector<std::shared_ptr<Partition>> partitions;
  };

  explicit Log(LogOptions options);
  Status load_topics();
  Result<std::shared_ptr<Topic>> open_topic(const std::string& name, const TopicSettings& settings);
  std::filesystem::path topics_dir() const { return options_.data_dir / "topics"; }
  std::filesystem::path trash_dir() const { return options_.data_dir / "trash"; }
  PartitionOptions partition_options();
  std::vector<std::shared_ptr<Partition>> all_partitions() const;
  void register_metrics();
  void run_retention_loop();

  LogOptions options_;
  Flusher flusher_;
  std::vector<std::string> recovery_notes_;

  mutable std::shared_mutex topics_mutex_;
  std::map<std::string, std::shared_ptr<Topic>, std::less<>> topics_;
  bool closed_ = false;
  uint64_t deletions_ = 0;  // names directories in trash/

  std::vector<uint64_t> metric_callbacks_;

  std::mutex retention_mutex_;
  std::condition_variable retention_wake_;
  bool stopping_ = false;
  std::thread retention_thread_;
};

}  // namespace caudal::log
