// Strong types of the log's vocabulary. They cross module boundaries (Kafka handlers, HTTP
// ingest, pipelines), so they are never bare integers.
#pragma once

#include <cstdint>
#include <string>

#include "common/strong_type.h"

namespace caudal::log {

// Position of a record in a partition: 0 for the first record ever appended, dense after that.
using Offset = StrongType<int64_t, struct OffsetTag>;
// A partition's index within its topic, 0-based.
using PartitionId = StrongType<int32_t, struct PartitionIdTag>;

struct TopicPartition {
  std::string topic;
  PartitionId partition;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

}  // namespace caudal::log
