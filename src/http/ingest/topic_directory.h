// TopicDirectory: the gateway's view of the log's topics. It hands out TopicInfo (partition
// handles, size limit, enrichment) and caches it, so a request costs one shared-lock lookup
// instead of one log lookup per partition; it creates topics on first use when
// auto_create_topics is on.
//
// Thread-safety: every method may be called from any thread. find() never blocks on I/O;
// find_or_create() may (topic creation syncs files), so it runs off the event loops.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "http/ingest/enrichment.h"
#include "log/log.h"

namespace caudal::http {

// One topic as the gateway appends to it. Immutable once built.
struct TopicInfo {
  std::string name;
  std::vector<std::shared_ptr<log::Partition>> partitions;  // index = partition id
  int64_t max_message_bytes = 0;
  EnrichSettings enrich;
};

struct TopicDirectoryOptions {
  log::Log* log = nullptr;  // must outlive the directory
  bool auto_create = true;
  log::TopicSettings new_topic_settings;  // for auto-created topics
  EnrichSettings default_enrich;          // topics without their own entry below
  std::map<std::string, EnrichSettings, std::less<>> enrich;  // by topic name
};

class TopicDirectory {
 public:
  explicit TopicDirectory(TopicDirectoryOptions options);

  bool auto_create() const { return options_.auto_create; }

  // The topic as the log has it now. Errors: log::Errc::kInvalidTopicName (no topic can have
  // that name), kUnknownTopic.
  Result<std::shared_ptr<const TopicInfo>> find(std::string_view name);

  // find(), creating the topic with the configured defaults first when it does not exist and
  // auto-create is on (another client creating it at the same moment is fine). Blocking.
  Result<std::shared_ptr<const TopicInfo>> find_or_create(std::string_view name);

  // Drops the cached entry after its partitions refused an append as closed (the topic was
  // deleted, perhaps recreated), so the next find() asks the log again.
  void forget(std::string_view name);

 private:
  Result<std::shared_ptr<const TopicInfo>> load(std::string_view name);

  TopicDirectoryOptions options_;
  std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const TopicInfo>, std::less<>> cache_;
};

}  // namespace caudal::http
