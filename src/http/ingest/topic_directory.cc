#include "http/ingest/topic_directory.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "log/errc.h"

namespace caudal::http {

TopicDirectory::TopicDirectory(TopicDirectoryOptions options) : options_(std::move(options)) {}

Result<std::shared_ptr<const TopicInfo>> TopicDirectory::find(std::string_view name) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
  }
  return load(name);
}

Result<std::shared_ptr<const TopicInfo>> TopicDirectory::load(std::string_view name) {
  CAUDAL_RETURN_IF_ERROR(log::validate_topic_name(name));
  CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> first,
                          options_.log->partition(name, log::PartitionId(0)));
  auto info = std::make_shared<TopicInfo>();
  info->name = std::string(name);
  info->max_message_bytes = first->settings().max_message_bytes;
  const int32_t count = first->settings().partitions;
  info->partitions.push_back(std::move(first));
  for (int32_t p = 1; p < count; ++p) {
    CAUDAL_ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> partition,
                            options_.log->partition(name, log::PartitionId(p)));
    info->partitions.push_back(std::move(partition));
  }
  auto enrich = options_.enrich.find(name);
  info->enrich = enrich != options_.enrich.end() ? enrich->second : options_.default_enrich;
  std::unique_lock lock(mutex_);
  auto [it, inserted] = cache_.emplace(std::string(name), std::move(info));
  return it->second;
}

Result<std::shared_ptr<const TopicInfo>> TopicDirectory::find_or_create(std::string_view name) {
  Result<std::shared_ptr<const TopicInfo>> found = find(name);
  if (found.ok() || found.status().code() != log::Errc::kUnknownTopic || !options_.auto_create) {
    return found;
  }
  Status created = options_.log->create_topic(name, options_.new_topic_settings);
  if (created.ok()) {
    spdlog::info("created topic {} with {} partition(s) on first use over HTTP", name,
                 options_.new_topic_settings.partitions);
  } else if (created.code() != log::Errc::kTopicExists) {
    return created.with_context(fmt::format("creating topic {}", name));
  }
  return find(name);
}

void TopicDirectory::forget(std::string_view name) {
  std::unique_lock lock(mutex_);
  if (auto it = cache_.find(name); it != cache_.end()) cache_.erase(it);
}

}  // namespace caudal::http
